import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { NotFoundError } from "@/server/errors";
import { incidentView } from "@/server/incidents/incident-view";
import { IncidentLive } from "./incident-live";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("fleet:read");
  const { id } = await params;
  const initial = await incidentView(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  // As the API decides (server/access/operation-targets.ts): an incident of several services is acted on as on the fleet.
  const target = initial.serviceIds.length === 1 ? { kind: "service" as const, serviceId: initial.serviceIds[0]! } : { kind: "fleet" as const };
  return <IncidentLive initial={initial} mayManage={mayOn(actor, "incidents:manage", target)} me={actor.userId} />;
}
