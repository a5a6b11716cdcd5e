import http from "node:http";
import https from "node:https";

/**
 * POST with node:http rather than global fetch: fetch loads undici, which
 * costs the agent several megabytes of memory for one request a second.
 */

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpPoster {
  post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer>;
  close(): void;
}

/** Answers are small JSON documents; anything larger is not the control plane talking. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export function createHttpPoster(): HttpPoster {
  // One kept-alive connection: the agent posts every interval to one host.
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 1 }), https: new https.Agent({ keepAlive: true, maxSockets: 1 }) };
  return {
    post(url, body, headers, timeoutMs) {
      const secure = url.protocol === "https:";
      const request = secure ? https.request : http.request;
      const agent = secure ? agents.https : agents.http;
      return new Promise<HttpAnswer>((resolve, reject) => {
        let settled = false;
        const settle = (error: Error | null, answer?: HttpAnswer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) {
            req.destroy();
            reject(error);
          } else resolve(answer!);
        };
        const req = request(url, {
          method: "POST",
          agent,
          headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        });
        const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
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
        req.end(body);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
