import type { Metadata } from "next";
import { requirePagePermission } from "@/server/auth/current-actor";
import { RegionsView } from "./regions-view";

export const metadata: Metadata = { title: "Regions" };

export default async function RegionsPage() {
  await requirePagePermission("fleet:read");
  return <RegionsView />;
}
