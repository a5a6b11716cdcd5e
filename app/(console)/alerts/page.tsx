import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { listAlerts } from "@/server/alerts/list-alerts";
import { requirePagePermission } from "@/server/auth/current-actor";
import { db } from "@/server/db/client";
import { AlertsView } from "./alerts-view";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const actor = await requirePagePermission("fleet:read");
  const [initial, services] = await Promise.all([
    listAlerts({ state: ["pending", "firing"], limit: 100 }),
    db().service.findMany({ select: { id: true }, orderBy: { id: "asc" } }),
  ]);
  return <AlertsView initial={initial} serviceIds={services.map((service) => service.id)} mayAcknowledge={hasPermission(actor.roles, "alerts:acknowledge")} />;
}
