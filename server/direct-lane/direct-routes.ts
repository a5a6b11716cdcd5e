import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OPERATIONS } from "@/contracts/operations";
import type { ApiOperation } from "@/contracts/operations";
import { DEFAULT_MAX_BODY_BYTES } from "../http/api-route";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { LEASE_STREAM_PATH } from "@/contracts/lease-stream";
import { serveReportStream } from "../ingest/report-stream";
import { streamOpenings } from "../ingest/stream-openings";
import { serveLeaseStream } from "../primary-lease/lease-stream";
import { ingestReportsRoute, renewPrimaryLeaseRoute } from "./agent-routes";
import { serveDirect, type DirectRoute } from "./serve-direct";

/** Declared by scripts/direct-lane-layer.mjs: where the layer looks for the routes it answers itself. */
const DIRECT_LANE = Symbol.for("switchyard.direct-lane");

type NodeHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

interface DirectLane {
  routes: Map<string, NodeHandler> | null;
}

/** The agents' once-a-second requests: their whole cost is worth a framework's routing. */
const DIRECT: [ApiOperation, DirectRoute["handle"]][] = [
  [OPERATIONS.renewPrimaryLease, renewPrimaryLeaseRoute],
  [OPERATIONS.ingestReports, ingestReportsRoute],
];

/**
 * Hands the direct-lane layer its routes, when this process was started with
 * it (npm start does) and SWITCHYARD_DIRECT_LANE is not `off`. Returns whether
 * the lane is open.
 */
export function openDirectLane(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const lane = (globalThis as Record<symbol, unknown>)[DIRECT_LANE] as DirectLane | undefined;
  if (!lane) return false;
  if (env.SWITCHYARD_DIRECT_LANE === "off") {
    lane.routes = null;
    return false;
  }
  lane.routes = new Map(
    DIRECT.map(([op, handle]) => {
      const route: DirectRoute = { handle, maxBodyBytes: op.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
      const serve: NodeHandler = (incoming, outgoing) =>
        void serveDirect(route, incoming, outgoing).catch((error: unknown) => {
          console.error(`[direct-lane] ${op.method} ${op.path} failed:`, error);
          outgoing.destroy();
        });
      return [`${op.method} ${op.path}`, serve] as const;
    }),
  );
  // The agents' report streams live only here, outside the page framework: without the lane, Next.js answers 404 and agents post their batches.
  lane.routes.set(`POST ${REPORT_STREAM_PATH}`, streamRoute(REPORT_STREAM_PATH, (incoming, outgoing) => serveReportStream(incoming, outgoing)));
  // Lease renewals have a stream of their own, so a copy behind on storing reports never delays a lease; without the lane, agents post them.
  lane.routes.set(`POST ${LEASE_STREAM_PATH}`, streamRoute(LEASE_STREAM_PATH, (incoming, outgoing) => serveLeaseStream(incoming, outgoing, renewPrimaryLeaseRoute, streamOpenings())));
  return true;
}

function streamRoute(path: string, serve: (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>): NodeHandler {
  return (incoming, outgoing) =>
    void serve(incoming, outgoing).catch((error: unknown) => {
      console.error(`[direct-lane] POST ${path} failed:`, error);
      outgoing.destroy();
    });
}
