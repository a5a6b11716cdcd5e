import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { RegionsView } from "./regions-view";

export const metadata: Metadata = { title: "Regions" };

export default async function RegionsPage() {
  const actor = await requirePagePermission("fleet:read");
  return <RegionsView mayManageTopology={hasPermission(actor.roles, "topology:manage")} />;
}
