import { db } from "@/server/db/client";
import { createTestUser } from "./api";
import { endActivePlans } from "./plans";

const HOUR_MS = 3_600_000;

/** The operator who asks for drills in fixtures: nobody else's account, so any approver is a second person for them. */
async function drillRequester() {
  return (await db().user.findUnique({ where: { email: "drill-requester@example.com" } })) ?? createTestUser("drill-requester@example.com", ["operator"]);
}

/**
 * A drill of orders-db awaiting a second person's approval, written straight
 * to the store, for tests of who may decide it (not of how it runs).
 */
export async function awaitingDrillFixture(): Promise<string> {
  const requester = await drillRequester();
  const drill = await db().drill.create({
    data: {
      serviceId: "orders-db",
      runbookId: "planned-switchover",
      params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "fixture drill" },
      switchBack: false,
      status: "awaiting_approval",
      startedById: requester.id,
      approval: { create: { requesterId: requester.id, services: ["orders-db"], expiresAt: new Date(Date.now() + HOUR_MS) } },
    },
  });
  return drill.id;
}

/** A plan drill over orders-db awaiting approval, as `awaitingDrillFixture` is for a drill. */
export async function awaitingPlanDrillFixture(): Promise<string> {
  await endActivePlans();
  const requester = await drillRequester();
  const plan = await db().plan.create({
    data: {
      regionId: "aws:us-east-1",
      mode: "switchover",
      status: "awaiting_approval",
      concurrency: 1,
      failurePolicy: "stop",
      reason: "fixture plan drill",
      order: {},
      drillSwitchBack: false,
      startedById: requester.id,
      services: { create: [{ serviceId: "orders-db", index: 0 }] },
      approval: { create: { requesterId: requester.id, services: ["orders-db"], expiresAt: new Date(Date.now() + HOUR_MS) } },
    },
  });
  return plan.id;
}
