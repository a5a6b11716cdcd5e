import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NDJSON_CONTENT_TYPE, type StreamAck } from "@/contracts/stream-ack";
import { LineFrames } from "@/core/ingest/line-frames";
import { errorResponse } from "./api-response";

/**
 * Lines of one stream read ahead of their acknowledgements: an agent sends
 * its next line only after the last one's answer, so more than a few means a
 * client that does not wait; reading stops until they are answered.
 */
const MAX_UNANSWERED_FRAMES = 4;

/** How long a stream whose frame was too large stays open after its last answer, for the agent to read it, before it is cut. */
const LINGER_MS = 1_000;

export async function ackOf(response: Response): Promise<StreamAck> {
  return { status: response.status, answer: await response.json() };
}

/** Answers a stream's opening without a stream; the body the agent goes on sending is read and thrown away until it hangs up. */
export async function refuse(incoming: IncomingMessage, outgoing: ServerResponse, response: Response, headers: Record<string, string> = {}): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  outgoing.writeHead(response.status, { ...headers, "content-type": "application/json", "content-length": body.byteLength });
  outgoing.end(body);
  incoming.resume();
}

/** Answers an opening whose token is no known agent's (or none), as the POST it stands for would be answered. */
export function refuseUnknownToken(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  return refuse(incoming, outgoing, errorResponse(401, { code: "unauthenticated", message: "Send this agent's token as `Authorization: Bearer sya_…`; it is unknown or revoked." }));
}

export interface LineStreamOptions {
  /** The most one line may hold: what the line's POST may. A longer one gets its 413 and the stream is closed. */
  maxFrameBytes: number;
  /** What a line is, for messages ("A batch", "A renewal"). */
  what: string;
  /** Named in the log when answering a line fails unexpectedly. */
  label: string;
  /** The line's acknowledgement; `closed` says whether the connection is gone (nobody will read it). A 401 ends the stream after it. */
  answer: (frame: string, closed: () => boolean) => Promise<StreamAck>;
}

/**
 * An agent's stream, once its opening is accepted: answers the opening with
 * the streamed response, splits the body into lines, answers each in order
 * with `answer`, reads at most MAX_UNANSWERED_FRAMES ahead of the answers,
 * ends after a 401 and closes after a line too large.
 */
export class LineStream {
  private readonly frames: LineFrames;
  private chain: Promise<void> = Promise.resolve();
  private unanswered = 0;
  private ended = false;
  /** The connection is gone: nobody reads what is still to be answered. */
  private closed = false;

  constructor(
    private readonly incoming: IncomingMessage,
    private readonly outgoing: ServerResponse,
    private readonly options: LineStreamOptions,
  ) {
    this.frames = new LineFrames(options.maxFrameBytes);
  }

  run(): void {
    this.outgoing.writeHead(200, { "content-type": NDJSON_CONTENT_TYPE, "cache-control": "no-store" });
    this.outgoing.flushHeaders();
    // The request lasts as long as the stream: no idle cut while the agent has nothing to send.
    this.incoming.socket.setTimeout(0);
    this.outgoing.once("close", () => {
      this.closed = true;
    });
    this.incoming.on("data", (chunk: Buffer) => {
      if (this.ended) return;
      const { frames, tooLarge } = this.frames.push(chunk);
      for (const frame of frames) this.enqueue(() => this.answer(frame));
      if (tooLarge) {
        this.stopReading();
        this.enqueue(async () => {
          this.write(await ackOf(errorResponse(413, { code: "payload_too_large", message: `${this.options.what} on the stream exceeds ${this.options.maxFrameBytes} bytes; the stream is closed.` })));
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
        console.error(`[${this.options.label}] a frame failed unexpectedly:`, error);
        this.outgoing.destroy();
      })
      .finally(() => {
        this.unanswered -= 1;
        if (this.unanswered <= MAX_UNANSWERED_FRAMES && !this.ended) this.incoming.resume();
      });
  }

  private async answer(frame: string): Promise<void> {
    if (this.ended) return;
    const ack = await this.options.answer(frame, () => this.closed);
    this.write(ack);
    if (ack.status === 401) {
      this.stopReading();
      this.finish(false);
    }
  }

  private write(ack: StreamAck): void {
    if (!this.outgoing.destroyed && !this.outgoing.writableEnded) this.outgoing.write(`${JSON.stringify(ack)}\n`);
  }

  private stopReading(): void {
    this.ended = true;
    this.incoming.pause();
  }

  /** Ends the answer once every read line is answered; after a refused frame, cuts the connection after LINGER_MS (its unread rest is never read). */
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
