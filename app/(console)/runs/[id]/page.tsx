import type { Metadata } from "next";
import { mayOn } from "@/core/access/access";
import { requirePagePermission } from "@/server/auth/current-actor";
import { runView } from "@/server/runs/run-view";
import { RunLive } from "./run-live";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("runbooks:read");
  const { id } = await params;
  const initial = await runView(id);
  const service = { kind: "service", serviceId: initial.serviceId } as const;
  return (
    <RunLive
      initial={initial}
      may={{ operate: mayOn(actor, "runs:operate", service), approve: mayOn(actor, "runs:approve", service), isRunner: initial.startedBy === actor.email }}
    />
  );
}
