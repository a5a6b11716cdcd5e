import "server-only";
import type { ServiceSnapshot } from "@/core/runbooks/snapshot";
import { runbookSnapshotOf } from "@/core/topology/runbook-snapshot-of";
import { db } from "../db/client";
import { ConflictError } from "../errors";
import { liveServiceOrThrow } from "../retired-guards";
import { readTopology } from "../topology/read-topology";

/** One read of everything a runbook looks at, judged with one `now`, from the topology every reader shares; nothing runs on a retired service (409). */
export async function serviceSnapshot(serviceId: string, now = new Date()): Promise<ServiceSnapshot> {
  const [topology] = await readTopology(now, [serviceId]);
  if (topology) return runbookSnapshotOf(topology, now);
  await liveServiceOrThrow(db(), serviceId, "no runbook runs on it", "params.service");
  // Live now, so it was created after the topology was read.
  throw new ConflictError(`Service ${serviceId} was created while it was being read; try again.`, "params.service");
}
