import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { agentReportBatchSchema, separateInvalidReports } from "@/contracts/agent-reports";
import { MAX_REPORT_FRAME_BYTES, REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import type { StreamAck } from "@/contracts/stream-ack";
import { retryAfterSeconds, sheddingRule } from "@/core/ingest/stream-shedding";
import { apiSecurityHeaders } from "@/core/web/security-headers";
import { bindWitnessKey } from "../agents/bind-witness-key";
import { agentTokenHashOf, type AgentPrincipal } from "../agents/resolve-agent";
import { errorResponse, thrownResponse, zodErrorResponse } from "../http/api-response";
import { ackOf, LineStream, refuse, refuseUnknownToken } from "../http/line-stream";
import { AbandonedBatchError, groupCommit, type GroupCommit } from "./group-commit";
import { alreadyStoredResponse } from "./ingest-answers";
import { ingestMetrics } from "./ingest-metrics";
import { streamOpenings, type StreamOpenings } from "./stream-openings";

const SECURITY_HEADERS = apiSecurityHeaders();

/** Says which way an answer came (as the direct lane's header does). */
export const STREAM_SERVED_BY = "report-stream";

/**
 * Serves one agent's report stream (contracts/agent-report-stream.ts) outside
 * the page framework: the token is verified once (grouped with other
 * openings, and remembered for a while: stream-openings.ts), then each line is parsed,
 * validated by the batch contract, handed to this copy's group commit and
 * answered in order with what a batch POST would have answered. A refused
 * token ends the stream before it starts (401, as a POST); a revoked one ends
 * it after the batch that found out.
 */
export async function serveReportStream(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  commit: Pick<GroupCommit, "submit" | "behindMs"> = groupCommit(),
  openings: Pick<StreamOpenings, "verify"> = streamOpenings(),
): Promise<void> {
  for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
  outgoing.setHeader("x-switchyard-served-by", STREAM_SERVED_BY);
  // A copy that fell behind refuses new streams before it spends anything on them (core/ingest/stream-shedding.ts).
  const backlog = { behindMs: commit.behindMs() };
  if (sheddingRule(backlog).shed) {
    ingestMetrics().openings.inc({ outcome: "shed" });
    const seconds = retryAfterSeconds(backlog);
    return refuse(
      incoming,
      outgoing,
      errorResponse(503, { code: "overloaded", message: `This control-plane copy is ${Math.round(backlog.behindMs / 1000)} s behind storing reports and opens no stream now; retry after ${seconds} s (your reports stay queued).` }),
      { "retry-after": String(seconds) },
    );
  }
  let agent: AgentPrincipal | null;
  try {
    const tokenHash = agentTokenHashOf(incoming.headers.authorization);
    agent = tokenHash ? await openings.verify(tokenHash) : null;
  } catch (error) {
    ingestMetrics().openings.inc({ outcome: "refused" });
    return refuse(incoming, outgoing, thrownResponse(error, `POST ${REPORT_STREAM_PATH}`));
  }
  ingestMetrics().openings.inc({ outcome: agent ? "opened" : "refused" });
  if (!agent) return refuseUnknownToken(incoming, outgoing);
  const { streams } = ingestMetrics();
  streams.inc();
  outgoing.once("close", () => streams.dec());
  new LineStream(incoming, outgoing, { maxFrameBytes: MAX_REPORT_FRAME_BYTES, what: "A batch", label: "report-stream", answer: storer(agent, commit) }).run();
}

/** Stores one line of the stream as its batch POST would, and acknowledges it with what the POST would have answered. */
function storer(agent: AgentPrincipal, commit: Pick<GroupCommit, "submit">): (frame: string, closed: () => boolean) => Promise<StreamAck> {
  /** Witness keys already offered on this stream: binding is checked once per key, not per batch. */
  const offeredKeys = new Set<string>();
  return async (frame, closed) => {
    let value: unknown;
    try {
      value = JSON.parse(frame);
    } catch (error) {
      return ackOf(errorResponse(400, { code: "invalid_json", message: `A batch on the stream is not valid JSON: ${error instanceof Error ? error.message : "unparseable"}` }));
    }
    const parsed = agentReportBatchSchema.safeParse(value);
    // One invalid report must not cost the batch's valid ones: they are stored, and the acknowledgement names it by seq.
    const separated = parsed.success ? { batch: parsed.data, refused: [] } : separateInvalidReports(value);
    if (!separated) return ackOf(zodErrorResponse(parsed.error!, "body"));
    const { batch, refused } = separated;
    try {
      const outcome = await commit.submit(agent, batch, closed);
      if (!outcome.stored) return ackOf(alreadyStoredResponse(outcome.lastSeq, batch.reports[0]!.seq));
      if (batch.witnessKey && !offeredKeys.has(batch.witnessKey)) {
        await bindWitnessKey(agent, batch.witnessKey);
        offeredKeys.add(batch.witnessKey);
      }
      return { status: 200, answer: refused.length > 0 ? { ...outcome.result, refused } : outcome.result };
    } catch (error) {
      if (error instanceof AbandonedBatchError) return { status: 503, answer: { error: { code: "client_closed", message: error.message } } };
      return ackOf(thrownResponse(error, `report stream of agent ${agent.name}`));
    }
  };
}
