import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiClientError } from "@/client/api-client";
import { Client } from "./client";
import { UsageError } from "./usage-error";

const client = new Client({ baseUrl: "http://control-plane.test", token: "syt_secret" });

afterEach(() => vi.unstubAllGlobals());

describe("the CLI's client", () => {
  it("refuses an input the operation's schemas refuse as a UsageError in the server's wording, sending nothing", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    await expect(client.call("listAlerts", { query: { state: "burning" } })).rejects.toThrow(UsageError);
    await expect(client.call("acknowledgeAlert", { params: { id: "a1" }, body: { note: " " } })).rejects.toThrow("note: say what you are doing about it (at least 3 characters)");
    await expect(client.call("pauseRun", { params: { id: "r1" }, body: { reason: "x" } })).rejects.toThrow("reason: say why, in at least 3 characters");
    await expect(client.call("verifyAudit", { query: { checkpointSeq: "3" } })).rejects.toThrow("checkpointHash: give checkpointSeq and checkpointHash together");
    await expect(client.stream("exportAuditEvents", { query: { format: "xml" } }, async () => {})).rejects.toThrow(UsageError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("leaves the API's own refusals as ApiClientError, with its message", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ error: { code: "not_found", message: "No run r1." } }, { status: 404 })));
    const error = await client.call("getRun", { params: { id: "r1" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiClientError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as ApiClientError).message).toBe("No run r1.");
  });

  it("streams a file answer chunk by chunk, with its bearer token", async () => {
    const fetch = vi.fn(async () => new Response("seq,hash\n1,ab\n", { status: 200, headers: { "content-type": "text/csv" } }));
    vi.stubGlobal("fetch", fetch);
    const chunks: string[] = [];
    await client.stream("exportAuditEvents", { query: { format: "csv" } }, async (chunk) => void chunks.push(new TextDecoder().decode(chunk)));
    expect(chunks.join("")).toBe("seq,hash\n1,ab\n");
    expect(fetch).toHaveBeenCalledWith("http://control-plane.test/api/v1/audit/export?format=csv", expect.objectContaining({ headers: expect.objectContaining({ authorization: "Bearer syt_secret" }) }));
  });
});

describe("the CLI's client of several copies", () => {
  const refused = () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
  const hostsOf = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls.map(([url]) => new URL(url as string).host);

  it("asks the next copy when one refuses the connection, and stays with it", async () => {
    const copies = new Client({ baseUrl: "http://cp-1.test,http://cp-2.test", token: "syt_secret" });
    const fetch = vi.fn(async (url: string) => {
      if (url.startsWith("http://cp-1.test")) throw refused();
      return new Response("seq,hash\n", { status: 200, headers: { "content-type": "text/csv" } });
    });
    vi.stubGlobal("fetch", fetch);
    await copies.stream("exportAuditEvents", { query: { format: "csv" } }, async () => {});
    await copies.stream("exportAuditEvents", { query: { format: "csv" } }, async () => {});
    expect(hostsOf(fetch)).toEqual(["cp-1.test", "cp-2.test", "cp-2.test"]);
  });

  it("asks the next copy again for a read that met a 5xx; a change it does not send again, and a 4xx moves nothing", async () => {
    const client = new Client({ baseUrl: "http://cp-1.test, http://cp-2.test", token: "t" });
    let calls = 0;
    const fetch = vi.fn(async () => {
      calls++;
      if (calls <= 2) return Response.json({ error: { code: "internal", message: "broken" } }, { status: 502 });
      return Response.json({ error: { code: "not_found", message: "No run r1." } }, { status: 404 });
    });
    vi.stubGlobal("fetch", fetch);
    // cp-1 answers 502 to the change: not sent again, but the client moves on.
    await expect(client.call("acknowledgeAlert", { params: { id: "a1" }, body: { note: "looking at it" } })).rejects.toThrow(ApiClientError);
    // cp-2 answers 502 to the read: asked again of cp-1, which answers 404, and there it stays.
    await expect(client.call("getRun", { params: { id: "r1" } })).rejects.toThrow("No run r1.");
    await expect(client.call("getRun", { params: { id: "r1" } })).rejects.toThrow("No run r1.");
    expect(hostsOf(fetch)).toEqual(["cp-1.test", "cp-2.test", "cp-1.test", "cp-1.test"]);
  });

  it("refuses a list with a word that is not a URL", () => {
    expect(() => new Client({ baseUrl: "http://cp-1.test,cp-2", token: "t" })).toThrow('the control plane\'s URL: "cp-2" is not a URL');
  });
});
