"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { PlanView } from "@/contracts/plans";
import { planControl, planDecision, planQueries, type PlanControlName } from "@/client/queries/plans";
import { DrillApprovalPanel, type ApprovalAbilities } from "@/components/drills/drill-approval-panel";
import { Badge } from "@/components/ui/badge";
import { formatSeconds } from "@/core/format";
import { ReasonedControls, type ReasonedControl } from "@/components/runbooks/reasoned-controls";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";

/** Which controls a plan in each status offers, as the plan machine allows them. */
const CONTROLS: Record<string, ReasonedControl<PlanControlName>[]> = {
  running: [{ action: "pause", label: "Pause" }, { action: "abort", label: "Abort", ends: true }],
  paused: [{ action: "resume", label: "Resume" }, { action: "abort", label: "Abort", ends: true }],
  scheduled: [{ action: "cancel", label: "Cancel", ends: true }],
  awaiting_approval: [{ action: "cancel", label: "Cancel", ends: true }],
};

type PlanDrillView = NonNullable<PlanView["drill"]>;
type ChildDrill = PlanView["services"][number]["drill"];

/** The plan drill's overall result, as a word and a badge (never colour alone). */
function DrillResult({ drill }: { drill: PlanDrillView }) {
  const badge = drill.result === "passed" ? <Badge tone="ok">✓ drill passed</Badge> : drill.result === "failed" ? <Badge tone="bad">✕ drill failed</Badge> : <Badge tone="info">drill pending</Badge>;
  return (
    <p role="status">
      {badge} {drill.sentence}
      {drill.switchBack ? " Each service is switched back once its drill's run succeeds." : ""}
    </p>
  );
}

function ChildDrillCell({ drill }: { drill: ChildDrill }) {
  if (!drill) return <>—</>;
  const verdict = drill.passed === null ? <StateBadge state={drill.status} /> : drill.passed ? <Badge tone="ok">✓ passed</Badge> : <Badge tone="bad">✕ failed</Badge>;
  return (
    <>
      <Link href={`/drills/${drill.id}`} aria-label={`drill ${drill.id}`}>
        {verdict}
      </Link>
      {drill.observedRtoMs !== null ? <div className="muted">RTO {formatSeconds(drill.observedRtoMs / 1000)}</div> : null}
    </>
  );
}

function seconds(from: string | null, to: string | null): string {
  if (!from) return "—";
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return `${(ms / 1000).toFixed(1)} s`;
}

function PlanControls({ plan, canOperate }: { plan: PlanView; canOperate: boolean }) {
  const queryClient = useQueryClient();
  const control = useMutation({
    mutationFn: ({ action, reason }: { action: PlanControlName; reason: string }) => planControl(plan.id, action, reason),
    onSuccess: (updated) => queryClient.setQueryData(planQueries.detail(plan.id).queryKey, updated),
  });
  const offered = CONTROLS[plan.status] ?? [];
  if (!offered.length) return null;
  if (!canOperate) return <span className="muted">Pausing, aborting or cancelling a plan needs the operator role on every service.</span>;
  return <ReasonedControls subject="plan" controls={offered} pending={control.isPending} error={control.error} onControl={(action, reason) => control.mutate({ action, reason })} />;
}

export function PlanLive({ initial, canOperate, approval }: { initial: PlanView; canOperate: boolean; approval: ApprovalAbilities }) {
  const { data: plan, dataUpdatedAt, isError } = useQuery({ ...planQueries.detail(initial.id), initialData: initial });
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: ({ decision, note }: { decision: "approve" | "reject"; note: string }) => planDecision(plan.id, decision, note),
    onSuccess: (updated) => queryClient.setQueryData(planQueries.detail(plan.id).queryKey, updated),
  });
  const done = plan.services.filter((service) => ["succeeded", "not_needed"].includes(service.state)).length;
  return (
    <>
      <PageHeader
        title={`${plan.drill ? "Drill: " : ""}${plan.mode === "failover" ? "Failover" : "Switchover"} out of ${plan.regionId}`}
        description={
          <>
            <StateBadge state={plan.status} /> by {plan.startedBy} · {plan.reason} · {plan.concurrency} at a time ·{" "}
            {plan.failurePolicy === "stop" ? "stops at the first failure" : "continues past failures"}
          </>
        }
        actions={<PlanControls plan={plan} canOperate={canOperate} />}
      />
      <p className="muted" aria-live="polite">
        {isError ? "Could not refresh; showing the last state received. " : ""}Updated <Timestamp iso={new Date(dataUpdatedAt).toISOString()} />. {done} of {plan.services.length} services out of{" "}
        {plan.regionId}.{" "}
        {plan.status === "scheduled" && plan.scheduledAt ? (
          <>
            Starts at <Timestamp iso={plan.scheduledAt} />
            {plan.inMaintenanceWindow ? " if a maintenance window of every service is in force then" : ""}; its checks are run again then.
          </>
        ) : plan.startedAt ? (
          <>
            Started <Timestamp iso={plan.startedAt} />, {seconds(plan.startedAt, plan.finishedAt)} {plan.finishedAt ? "in all" : "so far"}.
          </>
        ) : null}
      </p>
      {plan.error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          {plan.error}
        </div>
      ) : null}
      {plan.drill ? <DrillResult drill={plan.drill} /> : null}
      {plan.drill?.approval ? (
        <DrillApprovalPanel
          approval={plan.drill.approval}
          subject="plan drill"
          may={approval}
          pending={decide.isPending}
          error={decide.error}
          onDecide={(decision, note) => decide.mutate({ decision, note })}
        />
      ) : null}
      <section className="card" aria-labelledby="plan-services">
        <h2 id="plan-services">Services</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">State</th>
                <th scope="col">Waits for</th>
                <th scope="col">Run</th>
                <th scope="col">Now</th>
                {plan.drill ? <th scope="col">Drill</th> : null}
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {plan.services.map((service) => (
                <tr key={service.serviceId}>
                  <th scope="row">
                    <Link href={`/services/${service.serviceId}`}>{service.serviceId}</Link>
                  </th>
                  <td>
                    <StateBadge state={service.state.replace("_", " ")} />
                    <div className="muted">{service.note ?? service.sentence}</div>
                  </td>
                  <td>{service.dependsOn.join(", ") || "—"}</td>
                  <td>
                    {service.run ? (
                      <>
                        <Link href={`/runs/${service.run.id}`}>{service.run.runbookId}</Link> <StateBadge state={service.run.status} />
                        {service.run.target ? <div className="muted">→ {service.run.target}</div> : null}
                      </>
                    ) : service.plannedTarget ? (
                      <span className="muted">→ {service.plannedTarget} (planned)</span>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>{service.run?.error ?? service.run?.currentStep ?? "—"}</td>
                  {plan.drill ? (
                    <td>
                      <ChildDrillCell drill={service.drill} />
                    </td>
                  ) : null}
                  <td>{service.startedAt ? seconds(service.startedAt, service.finishedAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <p>
        <Link href="/plans">All plans</Link> · <Link href={`/audit?targetType=plan&targetId=${plan.id}`}>This plan in the audit trail</Link>
      </p>
    </>
  );
}
