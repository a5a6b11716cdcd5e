import { LAB_REPLICAS, findReplica } from "../topology";

/** The control plane as a destination: agents reach it over their region's link. */
export const CONTROL_PLANE = "control-plane";

/** A region id (`aws:eu-west-1`) or the control plane. */
export type Endpoint = string;

/**
 * One direction of a network path: the connections `from` opens towards
 * `to` (another region's PostgreSQL, or the control plane's HTTP port).
 * Replies travel back over the same link, so cutting A→B stops A's
 * connections to B and nothing else: B→A is a link of its own.
 */
export interface Link {
  from: string;
  to: Endpoint;
}

export interface LinkConditions {
  /** `cut`: existing connections are reset, new ones are black-holed (see proxy.ts). */
  state: "up" | "cut";
  /** Added to every chunk in each direction: 40 makes a round trip 80 ms longer. */
  delayMs: number;
  /** 0..1: the chance that a handshake or a chunk is lost and must be retransmitted. */
  loss: number;
}

export type LinkUpdate = Partial<LinkConditions>;

export const HEALTHY: LinkConditions = { state: "up", delayMs: 0, loss: 0 };

export function linkKey(link: Link): string {
  return `${link.from} -> ${link.to}`;
}

/** A route's key in network.json: its link and, towards a region, the replica (of any service) it leads to. */
export function routeKey(link: Link, destination: string): string {
  return link.to === CONTROL_PLANE ? linkKey(link) : `${linkKey(link)} (${destination})`;
}

/** Every link the lab has: each region to every other region's PostgreSQL and to the control plane. */
export function labLinks(regions: readonly string[] = [...new Set(LAB_REPLICAS.map((replica) => replica.regionId))]): Link[] {
  return regions.flatMap((from) => [...regions.filter((to) => to !== from).map((to) => ({ from, to })), { from, to: CONTROL_PLANE }]);
}

/** What isolating an endpoint cuts: every link from it and every link to it. */
export function linksTouching(links: readonly Link[], endpoint: Endpoint): Link[] {
  return links.filter((link) => link.from === endpoint || link.to === endpoint);
}

/** Omitted fields keep their value. */
export function applyUpdate(conditions: LinkConditions, update: LinkUpdate): LinkConditions {
  return {
    state: update.state ?? conditions.state,
    delayMs: update.delayMs ?? conditions.delayMs,
    loss: update.loss ?? conditions.loss,
  };
}

/** A region id, a replica name or `control-plane`, as the canonical endpoint (a region id or `control-plane`). */
export function resolveEndpoint(nameOrRegion: string): Endpoint {
  return nameOrRegion === CONTROL_PLANE ? CONTROL_PLANE : findReplica(nameOrRegion).regionId;
}

/** The link from → to, or why there is none. */
export function findLink(links: readonly Link[], from: string, to: string): Link {
  const fromEndpoint = resolveEndpoint(from);
  const toEndpoint = resolveEndpoint(to);
  if (fromEndpoint === CONTROL_PLANE) {
    throw new Error("there is no link from the control plane: it opens no connections to the regions (agents long-poll it over their own link)");
  }
  const link = links.find((candidate) => candidate.from === fromEndpoint && candidate.to === toEndpoint);
  if (!link) throw new Error(`there is no link from ${fromEndpoint} to ${toEndpoint}: a region reaches its own PostgreSQL directly`);
  return link;
}

export function describeConditions(conditions: LinkConditions): string {
  if (conditions.state === "cut") return "cut";
  const facts = ["up"];
  if (conditions.delayMs > 0) facts.push(`+${conditions.delayMs} ms each way`);
  if (conditions.loss > 0) facts.push(`${Math.round(conditions.loss * 1000) / 10}% loss`);
  return facts.join(", ");
}
