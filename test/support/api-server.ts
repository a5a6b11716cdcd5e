import http from "node:http";
import { Readable } from "node:stream";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { OPERATIONS, type ApiOperation } from "@/contracts/operations";
import { serveReportStream } from "@/server/ingest/report-stream";
import { serveLeaseStream } from "@/server/primary-lease/lease-stream";
import { streamOpenings } from "@/server/ingest/stream-openings";
import { closeAbruptly, listenLocally } from "./local-server";

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ServedRoute {
  op: ApiOperation;
  handler: RouteHandler;
}

/** The operation's path parameters when `pathname` is one of its URLs, else null. */
function match(template: string, pathname: string): Record<string, string> | null {
  const want = template.split("/");
  const got = pathname.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? "";
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) params[name] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/**
 * Serves several of the product's route handlers over real HTTP, dispatched
 * by the operation table's paths the way Next.js dispatches by folder, so a
 * client (the CLI) talks to the real server code. Literal paths win over
 * templated ones (`/audit/export` before `/audit/{seq}`), and answers are
 * piped as they are produced, so streamed bodies stay streamed.
 */
export class ApiServer {
  private server: http.Server | null = null;
  url = "";

  constructor(private readonly routes: readonly ServedRoute[]) {}

  private resolve(method: string, pathname: string): { route: ServedRoute; params: Record<string, string> } | null {
    const candidates = this.routes
      .filter((route) => route.op.method === method)
      .map((route) => ({ route, params: match(route.op.path, pathname) }))
      .filter((found): found is { route: ServedRoute; params: Record<string, string> } => found.params !== null)
      .sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
    return candidates[0] ?? null;
  }

  /** Listens on `port` (a free one by default: pass the old one to come back where clients expect it). */
  async start(port = 0): Promise<string> {
    // Served with the batch POST and the lease POST, as the direct lane serves them.
    const reportStream = this.routes.some((route) => route.op === OPERATIONS.ingestReports);
    const leaseRoute = this.routes.find((route) => route.op === OPERATIONS.renewPrimaryLease);
    const server = http.createServer(async (incoming, outgoing) => {
      if (reportStream && incoming.method === "POST" && incoming.url === REPORT_STREAM_PATH) return serveReportStream(incoming, outgoing);
      if (incoming.method === "POST" && incoming.url === LEASE_STREAM_PATH) {
        if (leaseRoute) return serveLeaseStream(incoming, outgoing, (request) => leaseRoute.handler(request, { params: Promise.resolve({}) }), streamOpenings());
        // Not served, as Next.js answers a stream without the direct lane: at once, not after a body that never ends.
        incoming.resume();
        return void outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: `no route for ${LEASE_STREAM_PATH}` } }));
      }
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
      const found = this.resolve(incoming.method ?? "GET", url.pathname);
      if (!found) {
        outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: `no route for ${url.pathname}` } }));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(url, { method: incoming.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const response = await found.route.handler(request, { params: Promise.resolve(found.params) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(outgoing);
      else outgoing.end();
    });
    this.server = server;
    this.url = (await listenLocally(server, port)).replace(/\/$/, "");
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeAbruptly(server);
  }
}
