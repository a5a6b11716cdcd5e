import type { Metadata } from "next";
import { requirePagePermission } from "@/server/auth/current-actor";
import { DrillsList } from "./drills-list";

export const metadata: Metadata = { title: "Drills" };

export default async function DrillsPage({ searchParams }: { searchParams: Promise<{ serviceId?: string | string[] }> }) {
  await requirePagePermission("runbooks:read");
  const { serviceId } = await searchParams;
  return <DrillsList serviceId={typeof serviceId === "string" ? serviceId : undefined} />;
}
