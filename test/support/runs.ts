import { db } from "@/server/db/client";

/**
 * A run in a given state, written straight to the store, for tests of what
 * people may do to runs (not of how runs progress).
 */
export async function runFixture(options: { status?: "running" | "paused" | "scheduled"; stepKind?: "manual" | "approval"; startedById?: string | null } = {}) {
  await db().runbook.upsert({
    where: { id: "fixture" },
    create: { id: "fixture", title: "Fixture", description: "A test runbook", contentHash: "0".repeat(64), source: "", definition: {} },
    update: {},
  });
  const run = await db().run.create({
    data: {
      runbookId: "fixture",
      contentHash: "0".repeat(64),
      definition: { id: "fixture", title: "Fixture", description: "A test runbook", parameters: {}, steps: [] },
      serviceId: "orders-db",
      params: { service: "orders-db" },
      mode: "guided",
      status: options.status ?? "running",
      actorType: "user",
      startedById: options.startedById ?? null,
      startedAt: new Date(),
    },
  });
  const kind = options.stepKind ?? "manual";
  await db().stepRun.create({
    data: { runId: run.id, stepId: "decide", index: 0, kind, title: "Decide", state: "waiting", attempts: 1, idempotencyKey: `${run.id}:decide` },
  });
  return run;
}
