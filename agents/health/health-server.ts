import { readFileSync } from "node:fs";
import http from "node:http";
import type { ApiError } from "@/contracts/errors";
import { answerHealthCheck, healthEndpointFor, type HealthFacts } from "@/core/health-checks/health-checks";
import { parseHealthQuery } from "@/core/health-checks/health-query";
import { httpsModule } from "../https-module";

export interface HealthServerOptions {
  port: number;
  host: string;
  /** PEM files: with them the endpoints are served over HTTPS only. */
  tls?: { certFile: string; keyFile: string };
}

interface Reply {
  status: number;
  body: unknown;
}

const error = (status: number, code: ApiError["error"]["code"], message: string, field?: string): Reply => ({ status, body: { error: { code, message, ...(field ? { field } : {}) } } satisfies ApiError });

/**
 * One request, answered from `facts` alone. GET, HEAD and OPTIONS are the
 * same check: HAProxy's `option httpchk` sends OPTIONS unless told
 * otherwise, and Patroni answers it like GET.
 */
export function healthReply(method: string | undefined, url: string | undefined, facts: () => HealthFacts): Reply {
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") return error(405, "validation_failed", `method ${method} is not allowed: the health endpoints answer GET, HEAD and OPTIONS`);
  const parsed = new URL(url ?? "/", "http://health.invalid");
  const endpoint = healthEndpointFor(parsed.pathname);
  if (!endpoint) return error(404, "not_found", `no health endpoint at ${parsed.pathname}`);
  const query = parseHealthQuery(parsed.searchParams);
  if (!query.ok) return error(400, "validation_failed", query.message, query.parameter);
  return answerHealthCheck(endpoint, facts(), query.query);
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read the health endpoints' TLS ${what} ${file}: ${(error as Error).message}`);
  }
}

/** The health endpoints on a listener of their own (HTTP, or HTTPS with `tls`). */
export async function serveHealth(facts: () => HealthFacts, options: HealthServerOptions): Promise<http.Server> {
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const { status, body } = healthReply(request.method, request.url, facts);
    const text = `${JSON.stringify(body)}\n`;
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    response.end(request.method === "HEAD" ? undefined : text);
  };
  const server = options.tls ? httpsModule().createServer({ cert: readPem(options.tls.certFile, "certificate"), key: readPem(options.tls.keyFile, "key") }, handle) : http.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
