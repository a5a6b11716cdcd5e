import "server-only";
import type { FleetRegion } from "@/contracts/topology";
import type { ApplyTopologyResult } from "@/contracts/topology-api";
import { decideRegionRetirement } from "@/core/topology/retirement";
import { REGIONS_SCOPE, regionRetired } from "@/core/topology/topology-diff";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { everyPolicyInForce } from "../policy/effective-policy";
import { loadPolicyTopology } from "../policy/policy-topology";
import { lockTopology, recordScopeChange } from "./write-scope";

/**
 * Retires a region, under the topology lock: refused (409, naming the rule,
 * nothing written) while an active replica lives there, a policy in force
 * names it, or the global policy would no longer fit the regions left;
 * otherwise it cannot alter a failover, so the admin's retirement is applied
 * directly and audited. The region is then offered nowhere new; its row
 * stays for the history that names it.
 */
export async function retireRegion(actor: UserActor, regionId: string, reason: string): Promise<ApplyTopologyResult> {
  return db().$transaction(
    async (tx) => {
      await lockTopology(tx);
      const region = await tx.region.findUnique({ where: { id: regionId } });
      if (!region) throw new NotFoundError(`No region ${regionId}.`);
      const [replicas, policies, globalTopology] = await Promise.all([
        tx.replica.findMany({ where: { regionId, retiredAt: null }, orderBy: [{ serviceId: "asc" }, { name: "asc" }], select: { serviceId: true, name: true } }),
        everyPolicyInForce(),
        loadPolicyTopology(null),
      ]);
      const decision = decideRegionRetirement({
        regionId,
        retiredAt: region.retiredAt,
        replicas: replicas.map((replica) => `${replica.serviceId}/${replica.name}`),
        policies,
        globalTopology,
      });
      if (!decision.ok) throw new ConflictError(`${decision.message} (rule ${decision.rule}); nothing was applied`, decision.field);
      await tx.region.update({ where: { id: regionId }, data: { retiredAt: new Date() } });
      const fleetRegion: FleetRegion = { cloud: region.cloud, code: region.code, jurisdiction: region.jurisdiction, displayName: region.displayName };
      await recordScopeChange(tx, {
        scope: REGIONS_SCOPE,
        before: { version: 1, regions: [fleetRegion], services: [] },
        after: { version: 1, regions: [], services: [] },
        diff: [regionRetired(fleetRegion)],
        target: { type: "region", id: regionId },
        serviceId: null,
        actor: auditActorOf(actor),
        reason,
      });
      return { applied: [REGIONS_SCOPE], changeRequests: [], unchanged: [], notes: [decision.why] };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
