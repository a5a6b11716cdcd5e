import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { POST as nextAuthRoute } from "@/app/api/auth/[...nextauth]/route";
import { POST as issueTokenRoute } from "@/app/api/v1/auth/tokens/route";
import { tableCounts } from "../support/api";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A chunked body (no Content-Length) of `total` bytes that counts how much of
 * it the server pulls: what a client streaming a huge body costs the server.
 */
function countingBody(total: number, chunk: Uint8Array) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

function chunkedRequest(url: string, contentType: string, stream: ReadableStream<Uint8Array>) {
  const init = { method: "POST", headers: { "content-type": contentType }, body: stream, duplex: "half" };
  return new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1]);
}

describe("request bodies are read as streams and refused at the limit", () => {
  it("a 20 MB chunked body on the public token endpoint → 413 after reading little more than 1 MiB, writing nothing", async () => {
    const before = await tableCounts();
    const { stream, counter } = countingBody(20 * MiB, new TextEncoder().encode(`{"email":"${"x".repeat(CHUNK - 20)}`.padEnd(CHUNK, "x")));
    const response = await issueTokenRoute(chunkedRequest("http://switchyard.test/api/v1/auth/tokens", "application/json", stream), { params: Promise.resolve({}) });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
    // The limit plus the chunk that crossed it, and at most one chunk the stream read ahead.
    expect(counter.pulled).toBeLessThanOrEqual(MiB + 2 * CHUNK);
    expect(await tableCounts()).toEqual(before);
  });

  it("a chunked body under the limit is read whole", async () => {
    const body = JSON.stringify({ email: "nobody@example.com", password: "x".repeat(100), name: "ci", scopes: ["read"], padding: "y".repeat(200_000) });
    const response = await issueTokenRoute(
      chunkedRequest("http://switchyard.test/api/v1/auth/tokens", "application/json", new Blob([body]).stream()),
      { params: Promise.resolve({}) },
    );
    // Read, parsed and validated: refused for its unknown field, not its size.
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/padding/);
  });

  it("the sign-in form's endpoint (next-auth) refuses a large chunked body the same way", async () => {
    const { stream, counter } = countingBody(20 * MiB, new TextEncoder().encode("a".repeat(CHUNK)));
    const response = await nextAuthRoute(chunkedRequest("http://switchyard.test/api/auth/callback/credentials", "application/x-www-form-urlencoded", stream), {
      params: Promise.resolve({ nextauth: ["callback", "credentials"] }),
    });
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(16 * 1024 + 2 * CHUNK);
  });
});
