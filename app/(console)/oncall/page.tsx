import type { Metadata } from "next";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { OnCallView } from "./oncall-view";

export const metadata: Metadata = { title: "On-call" };

export default async function OnCallPage() {
  const actor = await requirePagePermission("fleet:read");
  return <OnCallView canManage={mayOn(actor, "oncall:manage", { kind: "fleet" })} />;
}
