import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";
import { apiSecurityHeaders } from "@/core/web/security-headers";
import { SERVED_BY_HEADER } from "@/server/direct-lane/serve-direct";

/**
 * What a stranger can do before signing in, against the product as `npm
 * start` runs it (production build, `next start` with the peer-address and
 * direct-lane layers): the parts that only a real socket shows.
 */
let product: RunningControlPlane;
let admin: string;

beforeAll(async () => {
  product = await startControlPlane({ lab: false });
  admin = await adminToken(product.url);
}, 900_000);

afterAll(async () => {
  await product?.stop();
});

const MiB = 1024 * 1024;

/**
 * Streams up to `total` bytes as a chunked body (no Content-Length), writing
 * only as fast as the server reads, and stops when the answer comes. Returns
 * the answer and how many bytes the server had taken by then.
 */
function streamHugeBody(url: string, total: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked", ...headers } });
    const chunk = Buffer.alloc(64 * 1024, "x");
    chunk.write('{"email":"');
    let written = 0;
    let answered = false;
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.on("data", (part) => (body += part));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, written });
      });
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    pump();
  });
}

describe("before sign-in, over real HTTP", () => {
  it("a 20 MB chunked body on the public token endpoint is refused with 413 before the server has taken it", async () => {
    const answer = await streamHugeBody(`${product.url}/api/v1/auth/tokens`, 20 * MiB);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("payload_too_large");
    // The limit, plus what the kernel's socket buffers hold on both sides.
    expect(answer.written).toBeLessThan(10 * MiB);
  });

  it("X-Forwarded-For from an untrusted peer is ignored: the audit trail records the socket's address", async () => {
    const email = "nobody-forged@example.com";
    const response = await fetch(`${product.url}/api/v1/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.8.7", "x-real-ip": "10.9.8.6", "x-switchyard-peer-address": "10.9.8.5" },
      body: JSON.stringify({ email, password: "a-wrong-password-1", scopes: ["read"] }),
    });
    expect(response.status).toBe(401);
    const events = await fetch(`${product.url}/api/v1/audit?action=token.issue&outcome=failure&q=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${admin}` } });
    const { events: found } = (await events.json()) as { events: { actorLabel: string; sourceIp: string | null }[] };
    expect(found.filter((event) => event.actorLabel === email).map((event) => event.sourceIp)).toEqual(["127.0.0.1"]);
  });
});

describe("the agents' hot requests, answered by the direct lane", () => {
  const stranger = { authorization: "Bearer sya_not-an-agent-token", "content-type": "application/json" };

  it("a lease renewal from a stranger gets the 401 any API route gives, with the same security headers, without going through Next.js", async () => {
    const lane = await fetch(`${product.url}/api/v1/agents/lease`, { method: "POST", headers: stranger, body: "{}" });
    const framework = await fetch(`${product.url}/api/v1/agents/config`, { headers: stranger });
    expect(lane.status).toBe(401);
    expect(((await lane.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    expect(lane.headers.get(SERVED_BY_HEADER)).toBe("direct-lane");
    expect(framework.status).toBe(401);
    expect(framework.headers.get(SERVED_BY_HEADER)).toBeNull();
    for (const [name, value] of apiSecurityHeaders()) {
      expect(lane.headers.get(name), name).toBe(value);
      expect(framework.headers.get(name), name).toBe(value);
    }
  });

  it("a 64 MB chunked report batch is refused with 413 before the server has taken it", async () => {
    const answer = await streamHugeBody(`${product.url}/api/v1/agents/reports`, 64 * MiB, { authorization: stranger.authorization });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("payload_too_large");
    // The 4 MiB limit, plus what the kernel's socket buffers hold on both sides once the server stops reading (~9 MiB in all here).
    expect(answer.written).toBeLessThan(16 * MiB);
  });

  it("a query string does not take a hot request off the lane, and other methods on its path are Next.js's", async () => {
    const withQuery = await fetch(`${product.url}/api/v1/agents/reports?from=test`, { method: "POST", headers: stranger, body: "{}" });
    expect(withQuery.status).toBe(401);
    expect(withQuery.headers.get(SERVED_BY_HEADER)).toBe("direct-lane");
    const get = await fetch(`${product.url}/api/v1/agents/reports`, { headers: stranger });
    expect(get.status).toBe(405);
    expect(get.headers.get(SERVED_BY_HEADER)).toBeNull();
  });
});
