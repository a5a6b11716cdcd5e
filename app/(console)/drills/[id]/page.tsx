import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { drillView } from "@/server/drills/drill-view";
import { NotFoundError } from "@/server/errors";
import { DrillLive } from "./drill-live";

export const metadata: Metadata = { title: "Drill" };

export default async function DrillPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("runbooks:read");
  const { id } = await params;
  const initial = await drillView(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const approve = mayOn(actor, "runs:approve", { kind: "service", serviceId: initial.serviceId });
  return <DrillLive initial={initial} may={{ approve, isRequester: initial.approval?.requestedBy === actor.email }} />;
}
