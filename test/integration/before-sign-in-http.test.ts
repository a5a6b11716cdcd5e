import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";

/**
 * What a stranger can do before signing in, against the product as `npm
 * start` runs it (production build, `next start` with the peer-address
 * layer): the parts that only a real socket shows.
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
function streamHugeBody(url: string, total: number): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
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
