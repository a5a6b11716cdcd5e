import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { NotFoundError } from "@/server/errors";
import { incidentView } from "@/server/incidents/incident-view";
import { ReviewEditor } from "./review-editor";

export const metadata: Metadata = { title: "Post-incident review" };

export default async function IncidentReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("fleet:read");
  const { id } = await params;
  const incident = await incidentView(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const target = incident.serviceIds.length === 1 ? { kind: "service" as const, serviceId: incident.serviceIds[0]! } : { kind: "fleet" as const };
  return <ReviewEditor incidentId={id} title={incident.title} resolved={incident.status === "resolved"} mayEdit={mayOn(actor, "incidents:manage", target)} />;
}
