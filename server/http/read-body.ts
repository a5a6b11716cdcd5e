import "server-only";

export type BodyRead = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; reason: "too_large" };

/**
 * Reads a request body as it streams in and stops at `limit` bytes. A
 * Content-Length over the limit is refused before anything is read; a
 * chunked body (no Content-Length) is refused once what arrived passes the
 * limit, and the rest is never pulled: cancelling the stream stops Next.js
 * from reading the socket, so a body larger than the limit costs at most the
 * limit (plus one chunk) in memory, whatever it claims.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, reason: "too_large" };
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too_large" };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
