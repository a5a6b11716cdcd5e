import { TERMINAL_PLAN_STATUSES } from "@/core/plans/plan-machine";
import type { PlanView } from "@/contracts/plans";
import type { AgentReport } from "@/contracts/agent-reports";
import { db } from "@/server/db/client";
import { STANDBY } from "./demo-agents";
import { answerEveryStep } from "./fake-agents";
import { primaryOverrides } from "./reports";

/**
 * A plan in a given status over orders-db, written straight to the store,
 * for tests of what people may do to plans (not of how plans progress).
 * Earlier fixtures still active are ended first, as a service is in one
 * active plan at most.
 */
export async function planFixture(status: "scheduled" | "running" | "paused") {
  await endActivePlans();
  const owner = await db().user.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  return db().plan.create({
    data: {
      regionId: "aws:us-east-1",
      mode: "switchover",
      status,
      concurrency: 1,
      failurePolicy: "stop",
      reason: "fixture plan",
      order: {},
      scheduledAt: status === "scheduled" ? new Date(Date.now() + 3_600_000) : null,
      startedById: owner.id,
      services: { create: [{ serviceId: "orders-db", index: 0 }] },
    },
  });
}

/** Ends every plan still active, so that a test can start one over orders-db. */
export async function endActivePlans() {
  await db().plan.updateMany({ where: { status: { in: ["scheduled", "awaiting_approval", "running", "paused"] } }, data: { status: "aborted" } });
}

/**
 * Ticks the executor as the fake agents answer every command and the target
 * catches up with the fenced primary, until the plan ends (or `ticks` run out).
 */
export async function driveUntilPlanEnds(
  planId: string,
  copy: { report: (name: string, overrides: Partial<AgentReport>) => Promise<void>; tick: () => Promise<unknown>; plan: (id: string) => Promise<PlanView> },
  ticks = 30,
): Promise<PlanView> {
  for (let i = 0; i < ticks; i++) {
    await answerEveryStep();
    await copy.report("pg-eu-west-1", STANDBY("5000"));
    await copy.report("pg-us-east-1", primaryOverrides("5000"));
    await copy.tick();
    const now = await copy.plan(planId);
    if (TERMINAL_PLAN_STATUSES.includes(now.status)) return now;
  }
  return copy.plan(planId);
}
