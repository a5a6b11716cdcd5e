import http from "node:http";
import { NDJSON_CONTENT_TYPE, streamAckSchema } from "@/contracts/stream-ack";
import { LineFrames } from "@/core/ingest/line-frames";
import { errorMessage } from "./error-message";
import { HttpAbandonedError, type HttpAnswer } from "./http-post";
import { httpsModule } from "./https-module";
import { parseJson } from "./parse-json";

/** Acknowledgements are small JSON lines; anything larger is not the control plane talking. */
const MAX_ACK_BYTES = 1024 * 1024;

export type Sent = { kind: "ack"; answer: HttpAnswer } | { kind: "refused"; answer: HttpAnswer; retryAfterMs?: number } | { kind: "broke"; error: Error } | { kind: "silent" } | { kind: "unanswered" };

/** What went wrong with a stream, in words for the log. */
export function describeSent(sent: Exclude<Sent, { kind: "ack" }>, timeoutMs: number): string {
  switch (sent.kind) {
    case "broke":
      return errorMessage(sent.error);
    case "refused":
      return `the opening was answered ${sent.answer.status}`;
    case "unanswered":
      return `no answer to the opening within ${timeoutMs} ms`;
    case "silent":
      return `no acknowledgement within ${timeoutMs} ms`;
  }
}

/**
 * Where a part's stream goes: for a request to `url` (whose path ends in
 * `requestPath`) with `authorization`, the stream's URL (the same path ending
 * in `streamPath`) and its key (OpenStream.key). The same every interval, so
 * worked out once and again only when either changes.
 */
export function streamRoutes(requestPath: string, streamPath: string): (url: URL, authorization: string) => { target: URL; key: string } {
  let route: { for: string; target: URL; key: string } | null = null;
  return (url, authorization) => {
    const routeFor = `${url.href} ${authorization}`;
    if (route?.for !== routeFor) {
      const target = new URL(url);
      target.pathname = `${target.pathname.slice(0, -requestPath.length)}${streamPath}`;
      route = { for: routeFor, target, key: `${target.href} ${authorization}` };
    }
    return route;
  };
}

/**
 * One open stream of the agent's (report stream, lease stream): a chunked
 * POST whose body the agent writes one line at a time, and whose streamed
 * answer brings one acknowledgement line per line, in order.
 */
export class OpenStream {
  private readonly waiting: ((sent: Sent) => void)[] = [];
  private readonly acks = new LineFrames(MAX_ACK_BYTES);
  private broken: Error | null = null;
  readonly openedAt: number;

  private constructor(
    readonly key: string,
    private readonly request: http.ClientRequest,
    response: http.IncomingMessage,
    now: number,
  ) {
    this.openedAt = now;
    response.on("data", (chunk: Buffer) => {
      const { frames, tooLarge } = this.acks.push(chunk);
      for (const frame of frames) this.acknowledge(frame);
      if (tooLarge) this.fail(new Error(`an acknowledgement longer than ${MAX_ACK_BYTES} bytes`));
    });
    response.on("end", () => this.fail(new Error("the control plane ended the stream")));
    response.on("error", (error) => this.fail(error));
    request.on("error", (error) => this.fail(error));
    request.on("close", () => this.fail(new Error("the stream's connection closed")));
  }

  /** Opens a stream to `url`: the stream, or how its opening was refused or failed. */
  static open(url: URL, headers: Record<string, string>, timeoutMs: number, now: number): Promise<OpenStream | Exclude<Sent, { kind: "ack" | "silent" }>> {
    const request = (url.protocol === "https:" ? httpsModule().request : http.request)(url, {
      method: "POST",
      // A connection of its own for as long as the stream lasts, never one the POSTs, the command poll or the agent's other stream wait for.
      agent: false,
      headers: { ...headers, "content-type": NDJSON_CONTENT_TYPE, "transfer-encoding": "chunked" },
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({ kind: "unanswered" });
        request.destroy();
      }, timeoutMs);
      request.once("error", (error) => {
        clearTimeout(timer);
        resolve({ kind: "broke", error });
      });
      request.once("response", (response) => {
        clearTimeout(timer);
        if (response.statusCode === 200) return resolve(new OpenStream(`${url.href} ${headers.authorization ?? ""}`, request, response, now));
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("end", () => {
          request.destroy();
          const retryAfterMs = retryAfter(response.headers["retry-after"]);
          resolve({ kind: "refused", answer: { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_ACK_BYTES) }, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
        });
        response.once("error", (error) => resolve({ kind: "broke", error }));
      });
      request.flushHeaders();
    });
  }

  get open(): boolean {
    return this.broken === null;
  }

  get idle(): boolean {
    return this.waiting.length === 0;
  }

  send(line: string, timeoutMs: number, signal?: AbortSignal): Promise<Sent> {
    if (this.broken) return Promise.resolve({ kind: "broke", error: this.broken });
    if (signal?.aborted) return Promise.reject(new HttpAbandonedError("the request was abandoned"));
    return new Promise((resolve, reject) => {
      let settled = false;
      const onAbort = () => settle(null, new HttpAbandonedError("the request was abandoned"));
      const settle = (sent: Sent | null, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (sent) resolve(sent);
        else reject(error);
      };
      const timer = setTimeout(() => {
        settle({ kind: "silent" });
        // A later acknowledgement could no longer be matched to its line: the stream is done.
        this.close();
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push((sent) => settle(sent));
      this.request.write(`${line}\n`);
    });
  }

  /** Ends the stream between lines: the control plane answers what it read and ends its answer. */
  end(): void {
    if (!this.broken) this.request.end();
    this.broken ??= new Error("the stream was ended");
  }

  close(): void {
    this.fail(new Error("the stream was closed"));
    this.request.destroy();
  }

  private acknowledge(line: string): void {
    const parsed = streamAckSchema.safeParse(parseJson(line));
    if (!parsed.success) return this.fail(new Error(`the control plane sent an acknowledgement that is not one: ${line.slice(0, 200)}`));
    this.waiting.shift()?.({ kind: "ack", answer: { status: parsed.data.status, body: JSON.stringify(parsed.data.answer) } });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiter of this.waiting.splice(0)) waiter({ kind: "broke", error });
  }
}

/** The longest Retry-After an agent honours: a copy is not trusted to silence its fleet for longer. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A Retry-After in seconds (the form a copy sends), in ms; undefined when there is none or it is another form. */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Number(value.trim()) * 1000);
}

