import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiAnswerError, ApiClient, ApiClientError, ApiInputError } from "./api-client";

afterEach(() => vi.unstubAllGlobals());

type Sent = { url: string; init: RequestInit };

/** Answers every request with `answer` and keeps what was sent. */
function serve(answer: () => Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return answer();
    }),
  );
  return sent;
}

const RUN = {
  id: "r1",
  runbookId: "failover",
  runbookVersion: 1,
  status: "running",
};

describe("the console's API client (same origin, session cookie)", () => {
  const api = new ApiClient();

  it("builds the path from the operation's template, each value URL-encoded, and sends the body as JSON", async () => {
    const sent = serve(() => Response.json({ error: { code: "conflict", message: "The step is not waiting." } }, { status: 409 }));
    await api.call("confirmStep", { params: { id: "run 1", stepId: "fence/old" }, body: { note: "checked the dashboards" } }).catch(() => null);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("/api/v1/runs/run%201/steps/fence%2Fold/confirm");
    expect(sent[0]!.init.method).toBe("POST");
    expect(sent[0]!.init.body).toBe(JSON.stringify({ note: "checked the dashboards" }));
    expect(sent[0]!.init.headers).toEqual({ accept: "application/json", "content-type": "application/json" });
    expect(sent[0]!.init.credentials).toBe("same-origin");
  });

  it("leaves unset query values out and passes the abort signal on", async () => {
    const sent = serve(() => Response.json({ error: { code: "forbidden", message: "no" } }, { status: 403 }));
    const controller = new AbortController();
    await api.call("listAlerts", { query: { state: "firing,pending", serviceId: undefined }, signal: controller.signal }).catch(() => null);
    expect(sent[0]!.url).toBe("/api/v1/alerts?state=firing%2Cpending");
    expect(sent[0]!.init.signal).toBe(controller.signal);
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it("refuses an input the operation's schemas refuse with the server's 400 wording and field, sending nothing", async () => {
    const sent = serve(() => Response.json({}));
    const error = await api.call("pauseRun", { params: { id: "r1" }, body: { reason: "x" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiInputError);
    expect(error).toMatchObject({ status: 400, code: "validation_failed", field: "reason", where: "body", message: "reason: say why, in at least 3 characters" });
    await expect(api.call("listAlerts", { query: { state: "burning" as "firing" } })).rejects.toMatchObject({ where: "query", field: "state.0" });
    expect(sent).toHaveLength(0);
  });

  it("answers the success body as the operation's schema reads it", async () => {
    serve(() => Response.json({ tokens: [] }));
    await expect(api.call("listTokens", { query: { scope: "own" } })).resolves.toEqual({ tokens: [] });
  });

  it("refuses a success body the operation's schema does not read, naming the request", async () => {
    serve(() => Response.json({ ...RUN, status: "dancing" }));
    const error = await api.call("getRun", { params: { id: "r1" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiAnswerError);
    expect((error as Error).message).toMatch(/^GET \/api\/v1\/runs\/r1 answered a shape this client does not read/);
  });

  it("maps an error answer to ApiClientError with the server's status, code, message and field", async () => {
    serve(() => Response.json({ error: { code: "validation_failed", message: "email: already taken", field: "email" } }, { status: 400 }));
    const error = await api.call("createUser", { body: { email: "a@example.com", password: "correct horse battery", roles: ["viewer"] } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiClientError);
    expect(error).not.toBeInstanceOf(ApiInputError);
    expect(error).toMatchObject({ status: 400, code: "validation_failed", message: "email: already taken", field: "email" });
  });

  it("names the request and the status when an error answer is not the API's error shape", async () => {
    serve(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(api.call("fleetOverview")).rejects.toMatchObject({ status: 502, code: "internal", message: "GET /api/v1/fleet answered 502" });
  });

  it("reads a file answer as text with the accept header asked for", async () => {
    const sent = serve(() => new Response("regions: []\n", { headers: { "content-type": "application/yaml" } }));
    await expect(api.text("exportTopology", "application/yaml")).resolves.toBe("regions: []\n");
    expect(sent[0]!.url).toBe("/api/v1/topology/export");
    expect(sent[0]!.init.headers).toEqual({ accept: "application/yaml" });
  });

  it("builds a link's href from the table, its query checked", () => {
    expect(api.href("exportAuditEvents", { query: { format: "csv", actor: "ana@example.com" } })).toBe("/api/v1/audit/export?format=csv&actor=ana%40example.com");
    expect(() => api.href("exportAuditEvents", { query: { format: "xml" as "csv" } })).toThrow(ApiInputError);
  });
});

describe("the client's types", () => {
  it("come from each operation's schemas (the compiler checks the lines marked as errors)", () => {
    const api = new ApiClient();
    const misuses = async () => {
      // @ts-expect-error getRun needs its id
      await api.call("getRun");
      // @ts-expect-error path values are strings
      await api.call("getRun", { params: { id: 7 } });
      // @ts-expect-error listTokens' scope is own or all
      await api.call("listTokens", { query: { scope: "mine" } });
      // @ts-expect-error fleetOverview takes no body
      await api.call("fleetOverview", { body: {} });
      // @ts-expect-error pauseRun needs a body with a reason
      await api.call("pauseRun", { params: { id: "r1" } });
      const run = await api.call("getRun", { params: { id: "r1" } });
      // @ts-expect-error the answer is the run's schema, which has no such field
      return run.nonsense;
    };
    expect(misuses).toBeTypeOf("function");
  });
});

describe("the API client with a base URL and a token (the CLI)", () => {
  it("sends the token as a bearer and prefixes the base URL", async () => {
    const sent = serve(() => Response.json({ error: { code: "not_found", message: "No service orders-db." } }, { status: 404 }));
    const api = new ApiClient({ baseUrl: "https://switchyard.example", token: "syt_abc" });
    await expect(api.call("getService", { params: { id: "orders-db" } })).rejects.toMatchObject({ status: 404, message: "No service orders-db." });
    expect(sent[0]!.url).toBe("https://switchyard.example/api/v1/services/orders-db");
    expect(sent[0]!.init.headers).toMatchObject({ authorization: "Bearer syt_abc" });
  });
});
