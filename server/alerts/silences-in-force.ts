import "server-only";
import type { AlertRuleId } from "@/core/alerts/alert-rules";
import type { ServiceLabels, Silence } from "@/core/alerts/silences";
import { sqlPool } from "../db/sql-pool";

export interface SilencesInForce {
  /** Silences not over at `now` (active, or not started yet), with what they match. */
  silences: Silence[];
  /** A live service's labels, read only while a silence matches by labels (none otherwise, and for a service that carries none). */
  labelsOf(serviceId: string): ServiceLabels | null;
}

interface Row {
  silences: (Omit<Silence, "startsAt" | "endsAt" | "expiredAt"> & { startsAt: string; endsAt: string; expiredAt: null })[];
  labels: Record<string, ServiceLabels> | null;
}

/**
 * The silences not over yet, and the services' labels when one of them
 * matches by labels, in one statement (the evaluator sends it every second,
 * whatever the fleet's size).
 */
export async function silencesInForce(now: Date): Promise<SilencesInForce> {
  const { rows } = await sqlPool().query<Row>({
    name: "silences-in-force",
    text: `
      WITH open AS (
        SELECT id, "serviceId", "ruleId", labels, reason, "createdBy", "startsAt", "endsAt", "expiredAt"
          FROM "Silence" WHERE "expiredAt" IS NULL AND "endsAt" > $1)
      SELECT coalesce((SELECT json_agg(open ORDER BY "endsAt", id) FROM open), '[]') AS silences,
             CASE WHEN EXISTS (SELECT 1 FROM open WHERE labels <> '{}')
                  THEN (SELECT json_object_agg(id, labels) FROM "Service" WHERE "retiredAt" IS NULL AND labels <> '{}') END AS labels`,
    values: [now],
  });
  const [row] = rows;
  const labels = row?.labels ?? {};
  return {
    silences: (row?.silences ?? []).map((silence) => ({
      ...silence,
      ruleId: silence.ruleId as AlertRuleId | null,
      startsAt: new Date(silence.startsAt),
      endsAt: new Date(silence.endsAt),
      expiredAt: null,
    })),
    labelsOf: (serviceId) => labels[serviceId] ?? {},
  };
}
