import "server-only";
import type { AgentReport } from "@/contracts/agent-reports";
import { observationOf } from "@/core/fleet/judge-replica";
import type { ReplicaObservation } from "@/core/fleet/replica-health";
import { sqlPool } from "../db/sql-pool";

/** A replica with what its latest report says, as judging reads it. */
export interface ReplicaStateRow {
  id: string;
  serviceId: string;
  regionId: string;
  name: string;
  role: "primary" | "standby" | "witness";
  /** Null until its agent first reports. */
  observation: ReplicaObservation | null;
}

interface Row {
  id: string;
  serviceId: string;
  regionId: string;
  name: string;
  role: "primary" | "standby" | "witness";
  receivedAt: Date | null;
  reachable: boolean;
  reportedRole: "primary" | "standby" | "witness" | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  report: Pick<AgentReport, "error" | "walReceiver" | "settings" | "standbys">;
}

/**
 * Every replica of the fleet with its latest state, in one statement. Only
 * the parts of the stored report that judging reads leave the database (the
 * whole report is kilobytes, a thousand times over); the standbys a primary
 * sees matter only for primaries.
 */
export async function replicaStates(): Promise<ReplicaStateRow[]> {
  const { rows } = await sqlPool().query<Row>({
    name: "fleet-replica-states",
    text: `
      SELECT r.id, r."serviceId", r."regionId", r.name, r.role::text AS role,
             s."receivedAt", s.reachable, s.role::text AS "reportedRole", s."lagBytes"::float8 AS "lagBytes", s."lagSeconds",
             jsonb_build_object(
               'error', s.report->'error', 'walReceiver', s.report->'walReceiver', 'settings', s.report->'settings',
               'standbys', CASE WHEN s.role = 'primary' THEN s.report->'standbys' ELSE '[]'::jsonb END) AS report
        FROM "Replica" r
        LEFT JOIN "ReplicaState" s ON s."replicaId" = r.id
       WHERE r."retiredAt" IS NULL
       ORDER BY r."serviceId", r.role, r."promotionPriority" DESC, r.name`,
  });
  return rows.map(({ receivedAt, reachable, reportedRole, lagBytes, lagSeconds, report, ...replica }) => ({
    ...replica,
    observation: receivedAt === null ? null : observationOf({ receivedAt, reachable, role: reportedRole, lagBytes, lagSeconds }, report),
  }));
}
