import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { lagRangeSchema } from "@/contracts/service-lag";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { NotFoundError } from "@/server/errors";
import { serviceDetail } from "@/server/fleet/service-detail";
import { ServiceLive } from "./service-live";

export const metadata: Metadata = { title: "Service" };

export default async function ServicePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ range?: string | string[] }> }) {
  const actor = await requirePagePermission("fleet:read");
  const [{ id }, { range }] = await Promise.all([params, searchParams]);
  const initial = await serviceDetail(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const parsedRange = lagRangeSchema.safeParse(range);
  return (
    <ServiceLive
      initial={initial}
      initialRange={parsedRange.success ? parsedRange.data : "1h"}
      mayControlAutomation={hasPermission(actor.roles, "automation:control")}
    />
  );
}
