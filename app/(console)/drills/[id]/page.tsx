import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/server/auth/current-actor";
import { drillView } from "@/server/drills/drill-view";
import { NotFoundError } from "@/server/errors";
import { DrillLive } from "./drill-live";

export const metadata: Metadata = { title: "Drill" };

export default async function DrillPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("runbooks:read");
  const { id } = await params;
  const initial = await drillView(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return <DrillLive initial={initial} />;
}
