import { z } from "zod";
import { findReplica } from "../topology";
import { findLink, labLinks, resolveEndpoint } from "./links";

/**
 * The controller's HTTP API (controller.ts), shared with its client
 * (control-client.ts). Regions are region ids, replica names or
 * `control-plane`, resolved by the controller.
 */

/** Every answer names the data folder the controller serves, so a client never drives another lab's network. */
export const DATA_DIR_HEADER = "x-switchyard-lab-data-dir";

/** Resolving names here makes an unknown one a 400 that names the field. */
function resolvable(resolve: (name: string) => unknown) {
  return z
    .string()
    .min(1)
    .max(128)
    .superRefine((name, context) => {
      try {
        resolve(name);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
      }
    });
}

/** A region id, a replica name or `control-plane`. */
const endpoint = resolvable(resolveEndpoint);
/** A region id or a replica name. */
const region = resolvable(findReplica);

export const linkRequestSchema = z
  .strictObject({
    from: endpoint,
    to: endpoint,
    state: z.enum(["up", "cut"]).optional(),
    /** One-way: each chunk in each direction waits this long, so a round trip takes twice as long. */
    delayMs: z.int().min(0).max(60_000).optional(),
    loss: z.number().min(0).max(1).optional(),
  })
  .superRefine((request, context) => {
    if (request.state === undefined && request.delayMs === undefined && request.loss === undefined) {
      context.addIssue({ code: "custom", message: "give at least one of state, delayMs and loss" });
    }
    try {
      findLink(labLinks(), request.from, request.to);
    } catch (error) {
      context.addIssue({ code: "custom", path: ["to"], message: (error as Error).message });
    }
  });

/** What isolate and heal act on: a region, or the control plane (every region's link to it). */
export const endpointRequestSchema = z.strictObject({ region: endpoint });

/** Without a region: every link. */
export const healRequestSchema = z.strictObject({ region: endpoint.optional() });

/** The agent of a region. */
export const agentRequestSchema = z.strictObject({ region });

/** The wall-clock shift the agent stamps its reports with; the control plane refuses batches more than 5 minutes ahead. */
export const skewRequestSchema = z.strictObject({ region, clockOffsetMs: z.int().min(-86_400_000).max(86_400_000) });

export const stopControlPlaneRequestSchema = z.strictObject({ seconds: z.number().positive().max(3_600) });

export type LinkRequest = z.infer<typeof linkRequestSchema>;

export interface AgentView {
  replica: string;
  regionId: string;
  pid: number | null;
  running: boolean;
  /** SWITCHYARD_AGENT_CLOCK_OFFSET_MS it was started with; 0 for a true clock. */
  clockOffsetMs: number;
}

export interface ControlPlaneView {
  pid: number;
  /** Set while it is stopped (SIGSTOP): when it is continued. */
  resumesAt: string | null;
}

export interface ErrorAnswer {
  error: string;
}
