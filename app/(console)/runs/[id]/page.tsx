import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { runView } from "@/server/runs/run-view";
import { RunLive } from "./run-live";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("runbooks:read");
  const { id } = await params;
  const initial = await runView(id);
  return (
    <RunLive
      initial={initial}
      may={{ operate: hasPermission(actor.roles, "runs:operate"), approve: hasPermission(actor.roles, "runs:approve"), isRunner: initial.startedBy === actor.email }}
    />
  );
}
