import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiSecurityHeaders } from "@/core/web/security-headers";
import { errorResponse, thrownResponse } from "../http/api-response";
import { PEER_ADDRESS_HEADER } from "../request/peer-address";

/** An API route handler, as a route file exports it, and the most its body may hold. */
export interface DirectRoute {
  handle: (request: Request) => Promise<Response>;
  maxBodyBytes: number;
}

/** Says which way an answer came, so a test (or a curious operator) can tell the lane is open. */
export const SERVED_BY_HEADER = "x-switchyard-served-by";

const SECURITY_HEADERS = apiSecurityHeaders();

/** How long a connection whose body was refused is kept open after the answer, for the client to read it, before it is cut. */
const LINGER_MS = 1_000;

/**
 * Answers one request with a route handler, as Next.js would have: the same
 * Web Request (headers, body, URL from the Host header), stamped with the
 * socket's address as the peer-address layer stamps it, and the same security
 * headers on the answer as next.config.ts gives every API answer.
 */
export async function serveDirect(route: DirectRoute, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  let response: Response;
  try {
    response = await answer(route, incoming);
  } catch (error) {
    response = thrownResponse(error, `${incoming.method} ${incoming.url}`);
  }
  const body = Buffer.from(await response.arrayBuffer());
  outgoing.statusCode = response.status;
  for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
  response.headers.forEach((value, name) => outgoing.setHeader(name, value));
  outgoing.setHeader(SERVED_BY_HEADER, "direct-lane");
  outgoing.setHeader("content-length", body.byteLength);
  outgoing.end(body);
  if (response.status === 413) closeAfterAnswer(incoming, outgoing);
}

/**
 * Ends a connection whose body was refused once the answer is out. Cut at
 * once, the unread body still arriving makes the kernel reset the connection,
 * and a client still sending can lose the answer with it (it sees only a
 * broken pipe): so the server says it has finished (FIN) and reads no more
 * (the client's sending stalls on a full window) until the client, having
 * read the 413, hangs up, or for at most LINGER_MS.
 */
function closeAfterAnswer(incoming: IncomingMessage, outgoing: ServerResponse): void {
  const socket = incoming.socket;
  outgoing.once("finish", () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}

async function answer(route: DirectRoute, incoming: IncomingMessage): Promise<Response> {
  const body = await readWithin(incoming, route.maxBodyBytes);
  if (body === null) {
    incoming.pause();
    return errorResponse(413, { code: "payload_too_large", message: `Request body exceeds ${route.maxBodyBytes} bytes.` });
  }
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
  headers.set(PEER_ADDRESS_HEADER, incoming.socket.remoteAddress ?? "");
  let url: URL;
  try {
    url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "localhost"}`);
  } catch {
    return errorResponse(400, { code: "validation_failed", message: "The Host header is not a host name.", field: "host" });
  }
  return route.handle(new Request(url, { method: incoming.method, headers, body: incoming.method === "GET" || incoming.method === "HEAD" ? undefined : new Uint8Array(body) }));
}

/** The whole body, or null once it passes `limit` (what it claims, or what arrives); the rest is never kept. */
function readWithin(incoming: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(incoming.headers["content-length"] ?? "0") > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      incoming.off("data", onData);
      resolve(null);
    };
    incoming.on("data", onData);
    incoming.once("end", () => resolve(Buffer.concat(chunks, size)));
    incoming.once("error", reject);
  });
}
