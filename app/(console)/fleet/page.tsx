import type { Metadata } from "next";
import { requirePagePermission } from "@/server/auth/current-actor";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { listServices } from "@/server/fleet/list-services";
import { FleetView } from "./fleet-view";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage() {
  await requirePagePermission("fleet:read");
  const [overview, topology] = await Promise.all([fleetOverview(), listServices()]);
  return <FleetView initial={overview} initialTopology={topology} />;
}
