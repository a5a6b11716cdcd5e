import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HealthFacts } from "@/core/health-checks/health-checks";
import { serveHealth } from "./health-server";

const FACTS: HealthFacts = {
  now: 1_000,
  staleAfterMs: 3_000,
  observation: { at: 900, reachable: true, error: null, role: "standby", readOnly: true, streaming: true, lagBytes: 32 * 1024 ** 2, lagSeconds: 2 },
  serverChanging: null,
  lease: { kept: true, held: false, rule: "standby", sentence: "the local server is a standby: it takes no writes and holds no lease", expiresAt: null },
  controlPlane: { word: "none" },
  epoch: 3,
  syncWord: null,
};

let server: http.Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

async function listen(facts: () => HealthFacts, tls?: { certFile: string; keyFile: string }): Promise<string> {
  server = await serveHealth(facts, { port: 0, host: "127.0.0.1", tls });
  return `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the health listener", () => {
  it("answers each check from the facts of that moment, as JSON", async () => {
    let facts = FACTS;
    const base = await listen(() => facts);
    const replica = await fetch(`${base}/replica`);
    expect(replica.status).toBe(200);
    expect(replica.headers.get("content-type")).toBe("application/json");
    expect(await replica.json()).toMatchObject({ endpoint: "replica", role: "standby", lagBytes: 32 * 1024 ** 2, epoch: 3, check: null });
    const primary = await fetch(`${base}/read-write`);
    expect(primary.status).toBe(503);
    expect(await primary.json()).toMatchObject({ endpoint: "primary", check: "is-primary", why: "the server is a standby, not a primary" });
    expect((await fetch(`${base}/replica?lag=16MB`)).status).toBe(503);
    expect((await fetch(`${base}/replica?lag=32MB&max_lag_seconds=2`)).status).toBe(200);
    facts = { ...FACTS, observation: { ...FACTS.observation!, streaming: false } };
    expect((await fetch(`${base}/replica`)).status).toBe(503);
  });

  it("answers HEAD and OPTIONS like GET (HAProxy's httpchk sends OPTIONS by default), HEAD without a body", async () => {
    const base = await listen(() => FACTS);
    expect((await fetch(`${base}/replica`, { method: "OPTIONS" })).status).toBe(200);
    const head = await fetch(`${base}/primary`, { method: "HEAD" });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe("");
  });

  it.each([
    ["/replica?lag=lots", 400, { code: "validation_failed", field: "lag", message: expect.stringMatching(/^query parameter lag=lots must be a number of bytes/) }],
    ["/replica?max_lag_seconds=-2", 400, { code: "validation_failed", field: "max_lag_seconds", message: expect.stringMatching(/^query parameter max_lag_seconds=-2 must be a number of seconds/) }],
    ["/primary?maxlag=1", 400, { code: "validation_failed", field: "maxlag", message: expect.stringMatching(/^unknown query parameter maxlag/) }],
    ["/metrics", 404, { code: "not_found", message: "no health endpoint at /metrics" }],
  ])("answers %s with %i and a message naming the problem", async (target, status, error) => {
    const base = await listen(() => FACTS);
    const answer = await fetch(`${base}${target}`);
    expect(answer.status).toBe(status);
    expect(await answer.json()).toEqual({ error });
  });

  it("refuses methods other than GET, HEAD and OPTIONS", async () => {
    const base = await listen(() => FACTS);
    const answer = await fetch(`${base}/primary`, { method: "POST" });
    expect(answer.status).toBe(405);
    expect(await answer.json()).toEqual({ error: { code: "validation_failed", message: "method POST is not allowed: the health endpoints answer GET, HEAD and OPTIONS" } });
  });

  it("serves HTTPS with the configured certificate and key", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "health-tls-"));
    const certFile = path.join(dir, "cert.pem");
    const keyFile = path.join(dir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
    const base = await listen(() => FACTS, { certFile, keyFile });
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(`${base}/replica`, { rejectUnauthorized: false }, (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode!, body: text }));
        })
        .on("error", reject);
    });
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ endpoint: "replica", check: null });
    await expect(serveHealth(() => FACTS, { port: 0, host: "127.0.0.1", tls: { certFile, keyFile: path.join(dir, "missing.key") } })).rejects.toThrow(
      `cannot read the health endpoints' TLS key ${path.join(dir, "missing.key")}: ENOENT`,
    );
    // Plain HTTP on the TLS port gets no health answer.
    await expect(fetch(`${base.replace("https", "http")}/replica`).then((answer) => answer.status)).rejects.toThrow();
  });
});
