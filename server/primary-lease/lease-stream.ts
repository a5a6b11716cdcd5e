import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { OPERATIONS, type ApiOperation } from "@/contracts/operations";
import type { StreamAck } from "@/contracts/stream-ack";
import { apiSecurityHeaders } from "@/core/web/security-headers";
import { agentTokenHashOf, type AgentPrincipal } from "../agents/resolve-agent";
import { DEFAULT_MAX_BODY_BYTES } from "../http/api-route";
import { errorResponse, thrownResponse } from "../http/api-response";
import { ackOf, LineStream, refuse, refuseUnknownToken } from "../http/line-stream";
import { PEER_ADDRESS_HEADER } from "../request/peer-address";

const SECURITY_HEADERS = apiSecurityHeaders();

/** Says which way an answer came (as the direct lane's header does). */
export const LEASE_STREAM_SERVED_BY = "lease-stream";

/** The most one renewal may hold: what its POST may. */
const MAX_RENEWAL_BYTES = (OPERATIONS.renewPrimaryLease as ApiOperation).maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

/** The opening's headers that describe its streamed body, not one renewal's. */
const STREAM_ONLY_HEADERS = new Set(["content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "expect"]);

/**
 * Serves one agent's lease stream (contracts/lease-stream.ts) outside the page
 * framework: each line is answered by `renew`, the lease POST's own handler,
 * on a Request carrying the opening's headers (the token, verified again for
 * every renewal) and the line as its body, so a renewal is validated, decided,
 * audited and refused exactly as its POST would be. An opening whose token is
 * not a known agent's is refused at once (401, as a POST), as the report
 * stream's is (grouped and remembered for a while: stream-openings.ts), so a
 * stranger holds no connection open; a token revoked later is refused at the
 * next renewal, which ends the stream.
 */
export async function serveLeaseStream(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  renew: (request: Request) => Promise<Response>,
  /** The report stream's verification of openings (server/ingest/stream-openings.ts), passed in: that folder already depends on this one. */
  openings: { verify(tokenHash: string): Promise<AgentPrincipal | null> },
): Promise<void> {
  for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
  outgoing.setHeader("x-switchyard-served-by", LEASE_STREAM_SERVED_BY);
  let known: boolean;
  try {
    const tokenHash = agentTokenHashOf(incoming.headers.authorization);
    known = tokenHash !== null && (await openings.verify(tokenHash)) !== null;
  } catch (error) {
    return refuse(incoming, outgoing, thrownResponse(error, `POST ${LEASE_STREAM_PATH}`));
  }
  if (!known) return refuseUnknownToken(incoming, outgoing);
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i]!;
    if (!STREAM_ONLY_HEADERS.has(name.toLowerCase())) headers.append(name, incoming.rawHeaders[i + 1]!);
  }
  headers.set("content-type", "application/json");
  headers.set(PEER_ADDRESS_HEADER, incoming.socket.remoteAddress ?? "");
  let url: URL;
  try {
    url = new URL(OPERATIONS.renewPrimaryLease.path, `http://${incoming.headers.host ?? "localhost"}`);
  } catch {
    return refuse(incoming, outgoing, errorResponse(400, { code: "validation_failed", message: "The Host header is not a host name.", field: "host" }));
  }
  const answer = async (frame: string): Promise<StreamAck> => {
    try {
      return await ackOf(await renew(new Request(url, { method: "POST", headers, body: frame })));
    } catch (error) {
      return ackOf(thrownResponse(error, `POST ${LEASE_STREAM_PATH}`));
    }
  };
  new LineStream(incoming, outgoing, { maxFrameBytes: MAX_RENEWAL_BYTES, what: "A renewal", label: "lease-stream", answer }).run();
}
