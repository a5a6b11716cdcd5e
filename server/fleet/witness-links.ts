import "server-only";
import { sqlPool } from "../db/sql-pool";

/** A witness link with the service and regions of the two replicas. */
export interface WitnessLinkRow {
  fromReplicaId: string;
  toReplicaId: string;
  serviceId: string;
  fromRegionId: string;
  toRegionId: string;
  reachable: boolean;
  rttMs: number | null;
  observedAt: Date;
  unreachableSince: Date | null;
}

/** Every witness link of the fleet, in one statement (about ten per replica at fleet scale). */
export async function witnessLinks(): Promise<WitnessLinkRow[]> {
  const { rows } = await sqlPool().query<WitnessLinkRow>({
    name: "fleet-witness-links",
    text: `
      SELECT w."fromReplicaId", w."toReplicaId", f."serviceId", f."regionId" AS "fromRegionId", t."regionId" AS "toRegionId",
             w.reachable, w."rttMs", w."observedAt", w."unreachableSince"
        FROM "WitnessLink" w
        JOIN "Replica" f ON f.id = w."fromReplicaId" AND f."retiredAt" IS NULL
        JOIN "Replica" t ON t.id = w."toReplicaId" AND t."retiredAt" IS NULL`,
  });
  return rows;
}
