import http from "node:http";
import type https from "node:https";
import { httpsModule } from "./https-module";

/**
 * HTTP with node:http rather than global fetch: fetch loads undici, which
 * costs the agent several megabytes of memory for one request a second.
 */

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpPoster {
  /** `signal` abandons the request (e.g. on shutdown); the promise then rejects. */
  post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer>;
  close(): void;
}

export interface HttpClient extends HttpPoster {
  get(url: URL, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer>;
}

/** No answer came within the request's time limit. */
export class HttpTimeoutError extends Error {
  override name = "HttpTimeoutError";
}

/** The caller abandoned the request (its signal was aborted). */
export class HttpAbandonedError extends Error {
  override name = "HttpAbandonedError";
}

/** Answers are small JSON documents; anything larger is not the control plane talking. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * One kept-alive connection per client: reports are posted every interval to
 * one host. A long-poll holds its connection for many seconds, so whoever
 * long-polls takes a client of its own and never delays the reports.
 */
export function createHttpClient(): HttpClient {
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let secureAgent: https.Agent | null = null;

  function send(method: "GET" | "POST", url: URL, body: string | null, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
    const secure = url.protocol === "https:";
    const request = secure ? httpsModule().request : http.request;
    const agent = secure ? (secureAgent ??= new (httpsModule().Agent)({ keepAlive: true, maxSockets: 1 })) : plainAgent;
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (signal?.aborted) return reject(new HttpAbandonedError("the request was abandoned"));
      let settled = false;
      const onAbort = () => settle(new HttpAbandonedError("the request was abandoned"));
      const settle = (error: Error | null, answer?: HttpAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else resolve(answer!);
      };
      const bodyHeaders = body === null ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
      const req = request(url, { method, agent, headers: { ...headers, ...bodyHeaders } });
      const timer = setTimeout(() => settle(new HttpTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error) => settle(error));
      req.on("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) settle(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on("end", () => settle(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", (error) => settle(error));
        response.on("close", () => settle(new Error("the connection closed before the answer was complete")));
      });
      req.end(body ?? undefined);
    });
  }

  return {
    post: (url, body, headers, timeoutMs, signal) => send("POST", url, body, headers, timeoutMs, signal),
    get: (url, headers, timeoutMs, signal) => send("GET", url, null, headers, timeoutMs, signal),
    close() {
      plainAgent.destroy();
      secureAgent?.destroy();
    },
  };
}
