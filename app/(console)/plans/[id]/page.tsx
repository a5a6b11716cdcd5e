import type { Metadata } from "next";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { planView } from "@/server/plans/plan-view";
import { PlanLive } from "./plan-live";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("runbooks:read");
  const { id } = await params;
  return <PlanLive initial={await planView(id)} canOperate={mayOn(actor, "runs:operate", { kind: "fleet" })} />;
}
