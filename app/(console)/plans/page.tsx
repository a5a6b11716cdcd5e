import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listServices } from "@/server/fleet/list-services";
import { listPlans } from "@/server/plans/plan-view";
import { PlansView } from "./plans-view";

export const metadata: Metadata = { title: "Plans" };

export default async function PlansPage() {
  const actor = await requirePagePermission("runbooks:read");
  const [plans, fleet] = await Promise.all([listPlans(50), listServices()]);
  return (
    <>
      <PageHeader
        title="Region evacuation plans"
        description="Move every write role out of a region — before a provider's maintenance, or after a regional incident — one run per service, in order, a few at a time. Dry run first: it changes nothing."
      />
      <PlansView initial={plans} fleet={fleet} canOperate={mayOn(actor, "runs:operate", { kind: "fleet" })} />
    </>
  );
}
