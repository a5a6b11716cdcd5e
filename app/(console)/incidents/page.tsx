import type { Metadata } from "next";
import { mayAnywhere } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { IncidentsList } from "./incidents-list";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<{ serviceId?: string | string[] }> }) {
  const actor = await requirePagePermission("fleet:read");
  const { serviceId } = await searchParams;
  return <IncidentsList serviceId={typeof serviceId === "string" ? serviceId : undefined} mayDeclare={mayAnywhere(actor, "incidents:manage")} />;
}
