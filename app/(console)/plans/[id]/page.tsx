import type { Metadata } from "next";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { planView } from "@/server/plans/plan-view";
import { PlanLive } from "./plan-live";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("runbooks:read");
  const { id } = await params;
  const initial = await planView(id);
  return (
    <PlanLive
      initial={initial}
      canOperate={mayOn(actor, "runs:operate", { kind: "fleet" })}
      approval={{ approve: mayOn(actor, "runs:approve", { kind: "fleet" }), isRequester: initial.drill?.approval?.requestedBy === actor.email }}
    />
  );
}
