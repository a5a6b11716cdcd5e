import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { lagRangeSchema } from "@/contracts/service-lag";
import { mayOn } from "@/core/access/access";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { NotFoundError } from "@/server/errors";
import { recentInPlaceRestarts } from "@/server/fleet/in-place-restarts";
import { serviceDetail } from "@/server/fleet/service-detail";
import { InPlaceRestarts } from "@/components/fleet/in-place-restarts";
import { RetireForm } from "@/components/topology/retire-form";
import { Timestamp } from "@/components/ui/timestamp";
import { ServiceLive } from "./service-live";

export const metadata: Metadata = { title: "Service" };

export default async function ServicePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ range?: string | string[] }> }) {
  const actor = await requirePagePermission("fleet:read");
  const [{ id }, { range }] = await Promise.all([params, searchParams]);
  const [initial, restarts] = await Promise.all([
    serviceDetail(id).catch((error: unknown) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    recentInPlaceRestarts(id),
  ]);
  const parsedRange = lagRangeSchema.safeParse(range);
  return (
    <>
      {initial.retiredAt ? (
        <div className="alert alert-info" role="status" style={{ marginBottom: 16 }}>
          Retired <Timestamp iso={initial.retiredAt} />: nothing acts on this service any more (no agents, automation, alerts or runs). Its replicas as they were, their samples and its audit events stay readable here.
        </div>
      ) : null}
      <ServiceLive
        initial={initial}
        initialRange={parsedRange.success ? parsedRange.data : "1h"}
        mayControlAutomation={mayOn(actor, "automation:control", { kind: "service", serviceId: id })}
        mayRunDrills={mayOn(actor, "runs:operate", { kind: "service", serviceId: id })}
      />
      <InPlaceRestarts restarts={restarts} />
      {!initial.retiredAt && hasPermission(actor.roles, "topology:manage") ? (
        <section className="stack" aria-label="Retire this service" style={{ marginTop: 24 }}>
          <RetireForm
            kind="service"
            ids={[id]}
            consequence="Its replicas are retired with it and their agents revoked; the decider, alerts, lease renewals and runs leave it alone; its history stays readable. Once it has had agents this is a change request for the policy's approvers. Stop its agents first: a revoked agent can no longer renew its primary's lease, and a primary whose lease lapses makes itself read-only."
          />
        </section>
      ) : null}
    </>
  );
}
