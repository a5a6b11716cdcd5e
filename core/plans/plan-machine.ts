import { TERMINAL_RUN_STATUSES } from "../runbooks/run-machine";
import type { Dependencies } from "./plan-order";

/**
 * A plan's statuses and its services' states as declared state machines,
 * like a run's (core/runbooks/run-machine.ts). The engine reads a plan and
 * its services and asks `nextPlanMoves` what to do; people's controls go by
 * `planControlTransition`.
 */

export const PLAN_STATUSES = ["scheduled", "awaiting_approval", "running", "paused", "succeeded", "failed", "aborted", "cancelled"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const TERMINAL_PLAN_STATUSES: readonly PlanStatus[] = ["succeeded", "failed", "aborted", "cancelled"];

export const PLAN_SERVICE_STATES = ["pending", "running", "succeeded", "not_needed", "failed", "skipped", "cancelled"] as const;
export type PlanServiceState = (typeof PLAN_SERVICE_STATES)[number];
const DONE_STATES: readonly PlanServiceState[] = ["succeeded", "not_needed", "failed", "skipped", "cancelled"];
/** States after which a service waiting for this one may go: its write role is out of the region. */
const MOVED_STATES: readonly PlanServiceState[] = ["succeeded", "not_needed"];

export type PlanControl = "pause" | "resume" | "abort" | "cancel";
/** What a second person (or, for the expiry, the control plane) decides of a plan drill awaiting approval. */
export type PlanApproval = "approve" | "approve-scheduled" | "reject" | "expire";

const PLAN_TABLE = [
  { id: "plan-started", from: [], to: "running", by: "start", sentence: "A person starts a plan whose dry run they have seen: its services start moving at once." },
  { id: "plan-scheduled", from: [], to: "scheduled", by: "start", sentence: "A person schedules a plan for a later time: nothing moves until then." },
  {
    id: "plan-drill-awaits-approval",
    from: [],
    to: "awaiting_approval",
    by: "start",
    sentence: "A person starts a plan drill covering a service whose policy requires approval of its drills: nothing moves until a second person approves it.",
  },
  { id: "plan-drill-approved", from: ["awaiting_approval"], to: "running", by: "approve", sentence: "A second person approves a plan drill: its services start moving." },
  {
    id: "plan-drill-approved-scheduled",
    from: ["awaiting_approval"],
    to: "scheduled",
    by: "approve-scheduled",
    sentence: "A second person approves a scheduled plan drill: it starts at its time with the re-checks of any scheduled plan (at once if its time has come).",
  },
  { id: "plan-drill-rejected", from: ["awaiting_approval"], to: "cancelled", by: "reject", sentence: "An approver rejects a plan drill: it ends and no service moves." },
  { id: "plan-drill-approval-expired", from: ["awaiting_approval"], to: "cancelled", by: "expire", sentence: "No one approved a plan drill in time: it ends and no service moves." },
  {
    id: "scheduled-plan-started",
    from: ["scheduled"],
    to: "running",
    by: "scheduler",
    sentence: "A scheduled plan's time has come and its re-checks hold (the window it requires is in force, every service in scope can still move): it starts.",
  },
  {
    id: "scheduled-plan-refused",
    from: ["scheduled"],
    to: "failed",
    by: "scheduler",
    sentence: "A scheduled plan's re-checks fail at its time: it does not start, says why and raises an alert.",
  },
  {
    id: "scheduled-plan-cancelled",
    from: ["scheduled", "awaiting_approval"],
    to: "cancelled",
    by: "cancel",
    sentence: "A person cancels a scheduled plan, or a plan drill awaiting approval, before it starts.",
  },
  { id: "plan-paused", from: ["running"], to: "paused", by: "pause", sentence: "A person pauses a plan: no service starts moving and the runs under way pause, until it is resumed." },
  { id: "plan-resumed", from: ["paused"], to: "running", by: "resume", sentence: "A person resumes a paused plan and the runs it paused." },
  {
    id: "plan-aborted",
    from: ["running", "paused"],
    to: "aborted",
    by: "abort",
    sentence: "A person aborts a plan: services not started are cancelled and the runs under way are aborted (their undos run).",
  },
  { id: "every-service-moved", from: ["running"], to: "succeeded", by: "engine", sentence: "Every service in scope moved its write role out of the region, or had none there." },
  { id: "some-service-not-moved", from: ["running"], to: "failed", by: "engine", sentence: "Every service is done and at least one did not move (failed, skipped or cancelled)." },
] as const satisfies readonly { id: string; from: readonly PlanStatus[]; to: PlanStatus; by: "start" | "scheduler" | "engine" | PlanControl | PlanApproval; sentence: string }[];

export type PlanRuleId = (typeof PLAN_TABLE)[number]["id"];
export const PLAN_TRANSITIONS = PLAN_TABLE;

export function planControlTransition(control: PlanControl | PlanApproval, status: PlanStatus): (typeof PLAN_TABLE)[number] | null {
  const row = PLAN_TABLE.find((candidate) => candidate.by === control);
  return row && (row.from as readonly PlanStatus[]).includes(status) ? row : null;
}

/** What the engine does with one service of a plan; ids are stable (tests and the audit trail name them). */
const SERVICE_TABLE = [
  { id: "service-run-succeeded", from: "running", to: "succeeded", sentence: "The service's run succeeded: its write role is out of the region." },
  { id: "service-run-failed", from: "running", to: "failed", sentence: "The service's run failed or was aborted: its write role did not move." },
  {
    id: "service-stopped-by-failure",
    from: "pending",
    to: "cancelled",
    sentence: "The plan stops at the first failure (its failure policy): a service that has not started is not started.",
  },
  {
    id: "service-dependency-not-moved",
    from: "pending",
    to: "skipped",
    sentence: "A service it must wait for did not move, so this one is not moved either (the plan continues with the others).",
  },
  { id: "service-waits-for-dependency", from: "pending", to: "pending", sentence: "A service it must wait for has not moved yet." },
  { id: "service-waits-for-slot", from: "pending", to: "pending", sentence: "As many services as the plan's concurrency allows are moving." },
  { id: "service-started", from: "pending", to: "running", sentence: "Everything it waits for has moved and a slot is free: its run starts." },
] as const satisfies readonly { id: string; from: PlanServiceState; to: PlanServiceState; sentence: string }[];

export type PlanServiceRuleId = (typeof SERVICE_TABLE)[number]["id"];
export const PLAN_SERVICE_TRANSITIONS = SERVICE_TABLE;

/**
 * What the engine decides when it starts a service's run: the service has
 * nothing in the region by then, or the run could not be started. These come
 * from facts read at that moment (server/plans), so they are rows of their own.
 */
export const PLAN_START_OUTCOMES = [
  { id: "service-has-nothing-to-move", to: "not_needed", sentence: "When its turn came, the service's primary was already outside the region." },
  { id: "service-cannot-start", to: "failed", sentence: "When its turn came, the service's run could not start (no standby it may promote outside the region, another run active, a parameter refused)." },
] as const satisfies readonly { id: string; to: PlanServiceState; sentence: string }[];

export type PlanStartOutcomeId = (typeof PLAN_START_OUTCOMES)[number]["id"];

export interface PlanServiceRow {
  serviceId: string;
  state: PlanServiceState;
  /** The status of its run, when it has one. */
  runStatus: string | null;
}

export interface PlanRow {
  status: PlanStatus;
  concurrency: number;
  failurePolicy: "stop" | "continue";
  /** In the plan's order: earlier services start first when several may. */
  services: readonly PlanServiceRow[];
  dependsOn: Dependencies;
}

export type PlanMove =
  | { kind: "service"; serviceId: string; rule: Exclude<PlanServiceRuleId, "service-waits-for-dependency" | "service-waits-for-slot">; to: PlanServiceState; reason: string }
  | { kind: "finish"; rule: "every-service-moved" | "some-service-not-moved"; to: "succeeded" | "failed"; error: string | null };


/**
 * The moves the engine makes on a plan now, in order: services whose runs
 * ended, services that will not start, services that start (within the
 * concurrency), and the plan's end once every service is done. A paused or
 * ended plan still records its runs' ends but starts nothing.
 */
export function nextPlanMoves(plan: PlanRow): PlanMove[] {
  const moves: PlanMove[] = [];
  const state = new Map(plan.services.map((service) => [service.serviceId, service.state]));
  for (const service of plan.services) {
    if (service.state !== "running" || !service.runStatus || !(TERMINAL_RUN_STATUSES as readonly string[]).includes(service.runStatus)) continue;
    const to = service.runStatus === "succeeded" ? "succeeded" : "failed";
    moves.push({ kind: "service", serviceId: service.serviceId, rule: to === "succeeded" ? "service-run-succeeded" : "service-run-failed", to, reason: `its run ${service.runStatus}` });
    state.set(service.serviceId, to);
  }
  if (plan.status !== "running") return moves;

  const notMoved = (serviceId: string) => ["failed", "skipped", "cancelled"].includes(state.get(serviceId)!);
  const anyFailed = [...state.values()].some((value) => value === "failed");
  // Skips cascade: a service waiting for a skipped one is skipped too, in one pass over the order.
  let changed = true;
  while (changed) {
    changed = false;
    for (const service of plan.services) {
      if (state.get(service.serviceId) !== "pending") continue;
      if (plan.failurePolicy === "stop" && anyFailed) {
        moves.push({ kind: "service", serviceId: service.serviceId, rule: "service-stopped-by-failure", to: "cancelled", reason: "the plan stops at the first failure" });
        state.set(service.serviceId, "cancelled");
        continue;
      }
      const blocked = (plan.dependsOn[service.serviceId] ?? []).filter(notMoved);
      if (blocked.length) {
        moves.push({ kind: "service", serviceId: service.serviceId, rule: "service-dependency-not-moved", to: "skipped", reason: `${blocked.join(", ")} did not move` });
        state.set(service.serviceId, "skipped");
        changed = true;
      }
    }
  }

  let running = [...state.values()].filter((value) => value === "running").length;
  for (const service of plan.services) {
    if (state.get(service.serviceId) !== "pending") continue;
    const waiting = (plan.dependsOn[service.serviceId] ?? []).some((before) => !MOVED_STATES.includes(state.get(before)!));
    if (waiting || running >= plan.concurrency) continue;
    moves.push({ kind: "service", serviceId: service.serviceId, rule: "service-started", to: "running", reason: "everything it waits for has moved" });
    state.set(service.serviceId, "running");
    running++;
  }

  if ([...state.values()].every((value) => DONE_STATES.includes(value))) {
    const unmoved = plan.services.filter((service) => !MOVED_STATES.includes(state.get(service.serviceId)!));
    moves.push(
      unmoved.length
        ? { kind: "finish", rule: "some-service-not-moved", to: "failed", error: `not moved: ${unmoved.map((service) => `${service.serviceId} (${state.get(service.serviceId)})`).join(", ")}` }
        : { kind: "finish", rule: "every-service-moved", to: "succeeded", error: null },
    );
  }
  return moves;
}

/** Why a pending service has not started, for the plan page: its row's sentence. */
export function pendingReason(plan: PlanRow, serviceId: string): PlanServiceRuleId {
  const waiting = (plan.dependsOn[serviceId] ?? []).some((before) => !MOVED_STATES.includes(plan.services.find((service) => service.serviceId === before)?.state ?? "pending"));
  return waiting ? "service-waits-for-dependency" : "service-waits-for-slot";
}
