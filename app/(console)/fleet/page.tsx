import type { Metadata } from "next";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listServices } from "@/server/fleet/list-services";
import { FleetView } from "./fleet-view";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage() {
  await requirePagePermission("fleet:read");
  const initial = await listServices();
  return <FleetView initial={initial} />;
}
