import { TERMINAL_PLAN_STATUSES } from "@/core/plans/plan-machine";
import type { DrillApprovalView } from "@/contracts/drills";
import type { PlanDryRunView, PlanListView, PlanView } from "@/contracts/plans";
import { formatSeconds } from "@/core/format";
import { table, utc } from "../format";

export const FINISHED_PLAN_STATUSES: ReadonlySet<PlanView["status"]> = new Set(TERMINAL_PLAN_STATUSES);

export function renderPlans(list: PlanListView): string {
  if (!list.plans.length) return "No plans.";
  return table(
    ["PLAN", "REGION", "MODE", "DRILL", "STATUS", "SERVICES", "STARTED BY", "SCHEDULED (UTC)", "CREATED (UTC)"],
    list.plans.map((plan) => [
      plan.id,
      plan.regionId,
      plan.mode,
      plan.drill ? "drill" : "—",
      plan.status,
      Object.entries(plan.counts)
        .map(([state, count]) => `${count} ${state.replace("_", " ")}`)
        .join(", "),
      plan.startedBy,
      utc(plan.scheduledAt),
      utc(plan.createdAt),
    ]),
  );
}

/** A drill's approval in one line: who asked, who decided (or until when it waits), and the note. */
export function approvalLine(approval: DrillApprovalView): string {
  const asked = `asked by ${approval.requestedBy ?? "its schedule"} (required by ${approval.services.join(", ")})`;
  if (approval.status === "pending") return `approval: AWAITING a second person's approval, ${asked}; expires ${utc(approval.expiresAt)}`;
  if (approval.status === "expired") return `approval: EXPIRED unapproved at ${utc(approval.expiresAt)}, ${asked}`;
  return `approval: ${approval.status} by ${approval.decidedBy ?? "—"} at ${utc(approval.decidedAt)} — ${approval.note ?? ""}, ${asked}`;
}

function planDrillLines(plan: PlanView): string[] {
  if (!plan.drill) return [];
  return [
    `drill${plan.drill.switchBack ? " (switching back)" : ""}: ${plan.drill.result.toUpperCase()} — ${plan.drill.sentence}`,
    ...(plan.drill.approval ? [approvalLine(plan.drill.approval)] : []),
  ];
}

const drillCell = (drill: PlanView["services"][number]["drill"]) =>
  drill ? `${drill.id} ${drill.passed === null ? drill.status : drill.passed ? "PASSED" : "FAILED"}${drill.observedRtoMs === null ? "" : `, RTO ${formatSeconds(drill.observedRtoMs / 1000)}`}` : "—";

export function renderPlanView(plan: PlanView): string {
  const head = [
    `Plan ${plan.id}: ${plan.mode} every write role out of ${plan.regionId}${plan.drill ? " (a drill)" : ""}: ${plan.status}${plan.error ? ` — ${plan.error}` : ""}`,
    `${plan.concurrency} at a time, ${plan.failurePolicy === "stop" ? "stops at the first failure" : "continues past failures"}; by ${plan.startedBy}${plan.scheduledAt ? `, scheduled for ${utc(plan.scheduledAt)}${plan.inMaintenanceWindow ? " (inside a maintenance window)" : ""}` : ""}`,
    `reason: ${plan.reason}`,
    ...planDrillLines(plan),
  ];
  const services = table(
    ["SERVICE", "STATE", "AFTER", "RUN", "TARGET", "NOW", ...(plan.drill ? ["DRILL"] : []), "WHY"],
    plan.services.map((service) => [
      service.serviceId,
      service.state.replace("_", " "),
      service.dependsOn.join(", ") || "—",
      service.run ? `${service.run.id} (${service.run.status})` : "—",
      service.run?.target ?? (service.plannedTarget ? `${service.plannedTarget} (planned)` : "—"),
      service.run?.currentStep ?? "—",
      ...(plan.drill ? [drillCell(service.drill)] : []),
      service.note ?? service.sentence,
    ]),
  );
  return [...head, "", services].join("\n");
}

export function renderPlanDryRun(dryRun: PlanDryRunView): string {
  const rows = dryRun.services.map((service) => [
    service.serviceId,
    service.inRegion ? "moves" : "nothing to move",
    service.primary ?? "—",
    service.target ? `${service.target} (${service.targetRegionId})` : "—",
    service.dependsOn.join(", ") || "—",
    service.rpo.filter((verdict) => !verdict.holds).map((verdict) => `${verdict.dataset}: ${verdict.sentence}`).join("; ") || (service.inRegion ? "ok" : "—"),
    service.blockers.join("; ") || "—",
  ]);
  const cannot = dryRun.cannotMove.length ? `${dryRun.cannotMove.length} cannot move now: ${dryRun.cannotMove.map((item) => item.serviceId).join(", ")}` : "every service in the region can move";
  return [
    `Dry run: ${dryRun.mode} out of ${dryRun.regionId}, ${dryRun.concurrency} at a time (${dryRun.failurePolicy} on failure), as of ${utc(dryRun.snapshotAt)}; ${cannot}`,
    ...(dryRun.drill ? [dryRun.drill.sentence] : []),
    "",
    table(["SERVICE", "PLAN", "PRIMARY", "TARGET", "AFTER", "RPO", "BLOCKERS"], rows),
  ].join("\n");
}

/** One line per change between two polls of a plan: its status, each service's state and its run's step. */
export function planChanges(previous: PlanView | null, next: PlanView, at: Date): string[] {
  const stamp = utc(at.toISOString());
  const lines: string[] = [];
  if (!previous || previous.status !== next.status) lines.push(`${stamp}  plan ${next.id}: ${previous ? `${previous.status} → ` : ""}${next.status}${next.error ? ` — ${next.error}` : ""}`);
  if (next.drill && previous?.drill?.result !== next.drill.result) lines.push(`${stamp}  plan drill: ${next.drill.result} — ${next.drill.sentence}`);
  const before = new Map((previous?.services ?? []).map((service) => [service.serviceId, service]));
  for (const service of next.services) {
    const old = before.get(service.serviceId);
    if (old?.state !== service.state) lines.push(`${stamp}  ${service.serviceId}: ${old ? `${old.state} → ` : ""}${service.state} — ${service.note ?? service.sentence}`);
    else if (service.drill && old?.drill?.status !== service.drill.status) lines.push(`${stamp}  ${service.serviceId}: drill ${service.drill.id} ${service.drill.status}`);
    else if (service.run && old?.run?.currentStep !== service.run.currentStep && service.run.currentStep) lines.push(`${stamp}  ${service.serviceId}: ${service.run.currentStep}`);
  }
  return lines;
}
