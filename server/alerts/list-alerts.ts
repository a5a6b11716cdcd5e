import "server-only";
import type { z } from "zod";
import type { alertListQuerySchema, AlertList } from "@/contracts/alerts";
import { ALL_ALERT_RULES } from "@/core/alerts/alert-rules";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { mutingNow } from "./alert-muting";
import { alertView } from "./alert-view";

type Query = z.output<typeof alertListQuerySchema>;

/** Open alerts first (firing, then pending), then the most recently resolved; counts over the same service/rule filter. */
export async function listAlerts(query: Query): Promise<AlertList> {
  const scope: Prisma.AlertWhereInput = { serviceId: query.serviceId, ruleId: query.ruleId };
  const where: Prisma.AlertWhereInput = query.state?.length ? { ...scope, state: { in: query.state } } : scope;
  const [alerts, grouped, muting] = await Promise.all([
    db().alert.findMany({ where, orderBy: [{ state: "desc" }, { startedAt: "desc" }], take: query.limit }),
    db().alert.groupBy({ by: ["state"], where: scope, _count: { _all: true } }),
    mutingNow(),
  ]);
  const count = (state: string) => grouped.find((group) => group.state === state)?._count._all ?? 0;
  return {
    alerts: alerts.map((alert) => alertView(alert, muting.of(alert))),
    counts: { pending: count("pending"), firing: count("firing"), resolved: count("resolved") },
    rules: ALL_ALERT_RULES.map((rule) => ({ id: rule.id, title: rule.title, severity: rule.severity, description: rule.description })),
    generatedAt: new Date().toISOString(),
  };
}
