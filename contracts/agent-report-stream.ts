/**
 * An agent's report stream: one long-lived HTTP/1.1 POST carrying its report
 * batches as newline-delimited JSON (each line one AgentReportBatch, exactly
 * the body `POST /api/v1/agents/reports` takes), answered by one streamed
 * response carrying one acknowledgement line per batch, in order (a
 * StreamAck: contracts/stream-ack.ts). The token is checked once, when the
 * stream opens; every batch is validated, stored exactly once and answered
 * as its POST would be (status and body), so the agent decides what its
 * queue drops by the same rules either way.
 */
export const REPORT_STREAM_PATH = "/api/v1/agents/reports/stream";

/** The most one line (one batch) may hold: what a batch POST may. */
export const MAX_REPORT_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * How long an agent keeps one stream before it opens the next (between two
 * batches, never under one): below Node's 5-minute limit on receiving one
 * request (server.requestTimeout), and a chance for a fleet to spread again
 * over copies that came back.
 */
export const REPORT_STREAM_LIFETIME_MS = 4 * 60_000;
