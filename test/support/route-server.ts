import http from "node:http";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { serveReportStream } from "@/server/ingest/report-stream";
import { serveLeaseStream } from "@/server/primary-lease/lease-stream";
import { streamOpenings } from "@/server/ingest/stream-openings";
import { closeAbruptly, listenLocally } from "./local-server";

type RouteHandler = (request: Request) => Promise<Response>;

/**
 * Serves one route handler over real HTTP, the way Next.js hands it a
 * Request, so that agent processes can talk to the product's own ingest code
 * and a test can take that endpoint away and bring it back.
 */
export class RouteServer {
  private server: http.Server | null = null;
  port = 0;
  /** Lease renewals that came on a lease stream. */
  leaseStreamLines = 0;

  /**
   * `reportStream`: also serve agents' report streams, as the direct lane does beside the batch POST.
   * `leaseStream`: also serve lease streams, each line answered by `handler` (the lease POST's); without
   * it an opening is answered 404 at once, as Next.js answers it without the direct lane.
   */
  constructor(
    private readonly handler: RouteHandler,
    private readonly options: { reportStream?: boolean; leaseStream?: boolean } = {},
  ) {}

  async start(port = 0): Promise<number> {
    const server = http.createServer(async (incoming, outgoing) => {
      if (this.options.reportStream && incoming.method === "POST" && incoming.url === REPORT_STREAM_PATH) return serveReportStream(incoming, outgoing);
      if (incoming.method === "POST" && incoming.url === LEASE_STREAM_PATH) {
        if (this.options.leaseStream)
          return serveLeaseStream(incoming, outgoing, (request) => {
            this.leaseStreamLines += 1;
            return this.handler(request);
          }, streamOpenings());
        incoming.resume();
        return void outgoing.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"no such route"}}');
      }
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://127.0.0.1${incoming.url}`, {
        method: incoming.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const response = await this.handler(request);
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    });
    this.server = server;
    this.port = Number(new URL(await listenLocally(server, port)).port);
    return this.port;
  }

  /** Goes away like a crashed control plane: the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeAbruptly(server);
  }
}
