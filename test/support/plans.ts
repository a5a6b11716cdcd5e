import { db } from "@/server/db/client";

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
