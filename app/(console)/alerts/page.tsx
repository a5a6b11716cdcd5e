import type { Metadata } from "next";
import { alertListQuerySchema } from "@/contracts/alerts";
import { reachOf } from "@/core/access/access";
import { listAlerts } from "@/server/alerts/list-alerts";
import { requirePagePermission } from "@/server/auth/current-actor";
import { db } from "@/server/db/client";
import { AlertsView, OPEN_STATES } from "./alerts-view";

export const metadata: Metadata = { title: "Alerts" };

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The filters are the URL (`?serviceId=orders-db&ruleId=lag-over-budget&state=firing`, the
 * API's own query), so a link from a service page or a page someone shared shows what they saw.
 */
function filtersFrom(searchParams: SearchParams) {
  const given = Object.fromEntries(Object.entries(searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
  const parsed = alertListQuerySchema.safeParse(given);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    return { filters: { state: OPEN_STATES }, problem };
  }
  const { state, serviceId, ruleId } = parsed.data;
  return { filters: { state: state ?? OPEN_STATES, serviceId, ruleId }, problem: null };
}

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requirePagePermission("fleet:read");
  const { filters, problem } = filtersFrom(await searchParams);
  const [initial, services] = await Promise.all([
    listAlerts({ ...filters, limit: 100 }),
    db().service.findMany({ where: { retiredAt: null }, select: { id: true }, orderBy: { id: "asc" } }),
  ]);
  return (
    <AlertsView
      initial={initial}
      initialFilters={filters}
      filterProblem={problem}
      serviceIds={services.map((service) => service.id)}
      acknowledgeReach={reachOf(actor, "alerts:acknowledge")}
      silenceReach={reachOf(actor, "alerts:silence")}
    />
  );
}
