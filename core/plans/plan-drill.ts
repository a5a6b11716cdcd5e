import { TERMINAL_PLAN_STATUSES, type PlanServiceState, type PlanStatus } from "./plan-machine";

/**
 * A plan drill's overall result, from its status and each child's drill:
 * passed only if every child drill passed; pending while anything of it is
 * under way (the plan, or a child's run, switch back or report).
 */

/** A drill's statuses as the store holds them (contracts/drills.ts). */
export type ChildDrillStatus = "awaiting_approval" | "starting" | "running" | "switching_back" | "passed" | "failed" | "aborted" | "rejected" | "expired";
const ACTIVE_DRILL: readonly ChildDrillStatus[] = ["awaiting_approval", "starting", "running", "switching_back"];

export interface PlanDrillChild {
  serviceId: string;
  state: PlanServiceState;
  /** The child's drill, recorded when its run started; null when it never started. */
  drillStatus: ChildDrillStatus | null;
}

export type PlanDrillResult = "pending" | "passed" | "failed";

export interface PlanDrillFacts {
  status: PlanStatus;
  children: readonly PlanDrillChild[];
}

interface PlanDrillRule {
  id: string;
  result: PlanDrillResult;
  when(facts: PlanDrillFacts): boolean;
  sentence: string;
}

const drills = (facts: PlanDrillFacts) => facts.children.filter((child) => child.drillStatus !== null);

/** The first row that matches decides. */
export const PLAN_DRILL_RULES: readonly PlanDrillRule[] = [
  {
    id: "plan-drill-under-way",
    result: "pending",
    when: (facts) => !TERMINAL_PLAN_STATUSES.includes(facts.status) || drills(facts).some((child) => ACTIVE_DRILL.includes(child.drillStatus!)),
    sentence: "The plan drill is under way (awaiting approval, scheduled, moving services, or a child drill not yet reported): its result is pending.",
  },
  {
    id: "plan-drill-child-failed",
    result: "failed",
    when: (facts) => drills(facts).some((child) => child.drillStatus !== "passed"),
    sentence: "At least one child drill did not pass (its run failed or was aborted, a budget was exceeded, or it did not switch back): the plan drill failed.",
  },
  {
    id: "plan-drill-service-not-rehearsed",
    result: "failed",
    when: (facts) => facts.children.some((child) => child.drillStatus === null && child.state !== "not_needed"),
    sentence: "A service in scope never started its drill (its run could not start, or the plan stopped, was cancelled, rejected or expired first): the plan drill failed.",
  },
  {
    id: "plan-drill-rehearsed-nothing",
    result: "failed",
    when: (facts) => drills(facts).length === 0,
    sentence: "No service in scope had its write role in the region, so nothing was rehearsed: the plan drill failed.",
  },
  { id: "plan-drill-passed", result: "passed", when: () => true, sentence: "Every child drill passed against its budgets: the plan drill passed." },
];

export function planDrillResult(facts: PlanDrillFacts): PlanDrillRule {
  return PLAN_DRILL_RULES.find((rule) => rule.when(facts))!;
}
