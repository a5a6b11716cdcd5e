/**
 * An agent's lease stream: one long-lived HTTP/1.1 POST carrying the primary
 * lease renewals as newline-delimited JSON (each line one
 * PrimaryLeaseRequest, exactly the body `POST /api/v1/agents/lease` takes:
 * contracts/primary-lease.ts), answered by one streamed response carrying one
 * acknowledgement line per renewal, in order (a StreamAck:
 * contracts/stream-ack.ts, with what the POST would have answered). Each line
 * is answered by the POST's own handler, its token verified again, so a
 * revoked token is refused at the next renewal (401, which ends the stream;
 * an opening whose token is no known agent's is answered 401 at once);
 * an invalid line gets its 400 and the stream goes on; a line larger than the
 * POST's body limit gets its 413 and the stream is closed. It is a connection
 * of its own, apart from the report stream, so a copy behind on storing
 * reports never delays a lease; and it is served by the direct lane only
 * (without it the control plane answers 404, and renewals go by POST). The
 * agent counts a grant from when it sent the renewal, whichever way it went,
 * and replaces the stream between renewals after REPORT_STREAM_LIFETIME_MS
 * (contracts/agent-report-stream.ts), below the server's limit on one request.
 */
export const LEASE_STREAM_PATH = "/api/v1/agents/lease/stream";
