import type { Metadata } from "next";
import { mayOn } from "@/core/access/access";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { listServices } from "@/server/fleet/list-services";
import { FleetView } from "./fleet-view";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage() {
  const actor = await requirePagePermission("fleet:read");
  const [overview, topology] = await Promise.all([fleetOverview(), listServices()]);
  return (
    <FleetView
      initial={overview}
      initialTopology={topology}
      // The fleet page's automation control is the global pause: an operator limited to some services may not use it.
      mayControlAutomation={mayOn(actor, "automation:control", { kind: "fleet" })}
      mayManageTopology={hasPermission(actor.roles, "topology:manage")}
    />
  );
}
