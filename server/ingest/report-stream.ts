import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { agentReportBatchSchema, separateInvalidReports } from "@/contracts/agent-reports";
import { MAX_REPORT_FRAME_BYTES, REPORT_STREAM_CONTENT_TYPE, REPORT_STREAM_PATH, type ReportStreamAck } from "@/contracts/agent-report-stream";
import { LineFrames } from "@/core/ingest/line-frames";
import { retryAfterSeconds, sheddingRule } from "@/core/ingest/stream-shedding";
import { apiSecurityHeaders } from "@/core/web/security-headers";
import { bindWitnessKey } from "../agents/bind-witness-key";
import { agentTokenHashOf, type AgentPrincipal } from "../agents/resolve-agent";
import { errorResponse, thrownResponse, zodErrorResponse } from "../http/api-response";
import { AbandonedBatchError, groupCommit, type GroupCommit } from "./group-commit";
import { alreadyStoredResponse } from "./ingest-answers";
import { ingestMetrics } from "./ingest-metrics";
import { streamOpenings, type StreamOpenings } from "./stream-openings";

const SECURITY_HEADERS = apiSecurityHeaders();

/** Says which way an answer came (as the direct lane's header does). */
export const STREAM_SERVED_BY = "report-stream";

/**
 * Batches of one stream read ahead of their acknowledgements: an agent sends
 * its next batch only after the last one's answer, so more than a few means a
 * client that does not wait; reading stops until they are answered.
 */
const MAX_UNANSWERED_FRAMES = 4;

/** How long a stream whose frame was too large stays open after its last answer, for the agent to read it, before it is cut. */
const LINGER_MS = 1_000;

async function ackOf(response: Response): Promise<ReportStreamAck> {
  return { status: response.status, answer: await response.json() };
}

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
  if (!agent) return refuse(incoming, outgoing, errorResponse(401, { code: "unauthenticated", message: "Send this agent's token as `Authorization: Bearer sya_…`; it is unknown or revoked." }));
  outgoing.writeHead(200, { "content-type": REPORT_STREAM_CONTENT_TYPE, "cache-control": "no-store" });
  outgoing.flushHeaders();
  // The request lasts as long as the stream: no idle cut while the agent has nothing to send.
  incoming.socket.setTimeout(0);
  new ReportStream(agent, incoming, outgoing, commit).run();
}

/** Answers the opening without a stream; the body the agent goes on sending is read and thrown away until it hangs up. */
async function refuse(incoming: IncomingMessage, outgoing: ServerResponse, response: Response, headers: Record<string, string> = {}): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  outgoing.writeHead(response.status, { ...headers, "content-type": "application/json", "content-length": body.byteLength });
  outgoing.end(body);
  incoming.resume();
}

class ReportStream {
  private readonly frames = new LineFrames(MAX_REPORT_FRAME_BYTES);
  private chain: Promise<void> = Promise.resolve();
  private unanswered = 0;
  private ended = false;
  /** The connection is gone: nobody reads what is still to be answered. */
  private closed = false;
  /** Witness keys already offered on this stream: binding is checked once per key, not per batch. */
  private readonly offeredKeys = new Set<string>();

  constructor(
    private readonly agent: AgentPrincipal,
    private readonly incoming: IncomingMessage,
    private readonly outgoing: ServerResponse,
    private readonly commit: Pick<GroupCommit, "submit">,
  ) {}

  run(): void {
    const { streams } = ingestMetrics();
    streams.inc();
    this.outgoing.once("close", () => {
      this.closed = true;
      streams.dec();
    });
    this.incoming.on("data", (chunk: Buffer) => {
      if (this.ended) return;
      const { frames, tooLarge } = this.frames.push(chunk);
      for (const frame of frames) this.enqueue(() => this.answer(frame));
      if (tooLarge) {
        this.stopReading();
        this.enqueue(async () => {
          this.write(await ackOf(errorResponse(413, { code: "payload_too_large", message: `A batch on the stream exceeds ${MAX_REPORT_FRAME_BYTES} bytes; the stream is closed.` })));
          this.finish(true);
        });
      }
    });
    this.incoming.once("end", () => this.enqueue(async () => this.finish(false)));
    this.incoming.once("error", () => this.stopReading());
    this.outgoing.once("close", () => this.stopReading());
  }

  private enqueue(step: () => Promise<void>): void {
    this.unanswered += 1;
    if (this.unanswered > MAX_UNANSWERED_FRAMES) this.incoming.pause();
    this.chain = this.chain
      .then(() => (this.closed ? undefined : step()))
      .catch((error: unknown) => {
        console.error("[report-stream] a frame failed unexpectedly:", error);
        this.outgoing.destroy();
      })
      .finally(() => {
        this.unanswered -= 1;
        if (this.unanswered <= MAX_UNANSWERED_FRAMES && !this.ended) this.incoming.resume();
      });
  }

  private async answer(frame: string): Promise<void> {
    if (this.ended) return;
    const ack = await this.store(frame);
    this.write(ack);
    if (ack.status === 401) {
      this.stopReading();
      this.finish(false);
    }
  }

  private async store(frame: string): Promise<ReportStreamAck> {
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
      const outcome = await this.commit.submit(this.agent, batch, () => this.closed);
      if (!outcome.stored) return ackOf(alreadyStoredResponse(outcome.lastSeq, batch.reports[0]!.seq));
      if (batch.witnessKey && !this.offeredKeys.has(batch.witnessKey)) {
        await bindWitnessKey(this.agent, batch.witnessKey);
        this.offeredKeys.add(batch.witnessKey);
      }
      return { status: 200, answer: refused.length > 0 ? { ...outcome.result, refused } : outcome.result };
    } catch (error) {
      if (error instanceof AbandonedBatchError) return { status: 503, answer: { error: { code: "client_closed", message: error.message } } };
      return ackOf(thrownResponse(error, `report stream of agent ${this.agent.name}`));
    }
  }

  private write(ack: ReportStreamAck): void {
    if (!this.outgoing.destroyed && !this.outgoing.writableEnded) this.outgoing.write(`${JSON.stringify(ack)}\n`);
  }

  private stopReading(): void {
    this.ended = true;
    this.incoming.pause();
  }

  /** Ends the answer once every read batch is answered; after a refused frame, cuts the connection after LINGER_MS (its unread rest is never read). */
  private finish(cut: boolean): void {
    this.ended = true;
    if (!this.outgoing.writableEnded) this.outgoing.end();
    if (cut) {
      const socket = this.incoming.socket;
      this.outgoing.once("finish", () => {
        socket.end();
        setTimeout(() => socket.destroy(), LINGER_MS).unref();
      });
    }
  }
}
