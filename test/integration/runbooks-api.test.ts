import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as planRoute } from "@/app/api/v1/runbooks/[id]/plan/route";
import { GET as listRoute } from "@/app/api/v1/runbooks/route";
import { runbookListSchema, runPlanSchema } from "@/contracts/runbook-api";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

let viewerToken: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  viewerToken = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

afterEach(() => {
  delete process.env.SWITCHYARD_RUNBOOKS_DIR;
});

const plan = (id: string, params: Record<string, string>) => call(planRoute, { method: "POST", token: viewerToken, params: { id }, body: { params } });
const switchover = { service: "orders-db", to_region: "aws:eu-west-1", reason: "planned maintenance" };

describe("GET /api/v1/runbooks", () => {
  it("lists the built-in runbooks with their source and content hash", async () => {
    const list = runbookListSchema.parse((await call(listRoute, { token: viewerToken })).json);
    expect(list.problems).toEqual([]);
    const ids = list.runbooks.map((runbook) => runbook.id);
    expect(ids).toEqual(expect.arrayContaining(["planned-switchover", "unplanned-failover"]));
    const planned = list.runbooks.find((runbook) => runbook.id === "planned-switchover")!;
    expect(planned.source).toContain("id: planned-switchover");
    expect(planned.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(planned.parameters.to_region).toMatchObject({ type: "region", required: true });
  });

  it("reports a broken file by name and field, and still loads the others", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "runbooks-"));
    cpSync("runbooks/planned-switchover.yaml", path.join(folder, "planned-switchover.yaml"));
    writeFileSync(path.join(folder, "broken.yaml"), "id: broken\ntitle: Broken\ndescription: x\nparameters:\n  service: { type: service, description: s }\nsteps:\n  - { id: step-a, kind: agent, title: A, target: moon, command: fence }\n");
    process.env.SWITCHYARD_RUNBOOKS_DIR = folder;
    try {
      const list = runbookListSchema.parse((await call(listRoute, { token: viewerToken })).json);
      expect(list.runbooks.map((runbook) => runbook.id)).toEqual(["planned-switchover"]);
      expect(list.problems).toEqual([{ file: "broken.yaml", field: "steps.0.target", message: expect.stringMatching(/^steps\.0\.target: /) }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("POST /api/v1/runbooks/{id}/plan (dry run)", () => {
  it("shows every step with its targets and blocks on checks that fail now, writing nothing", async () => {
    const before = await tableCounts();
    const { status, json } = await plan("planned-switchover", switchover);
    expect(status).toBe(200);
    const result = runPlanSchema.parse(json);
    expect(result).toMatchObject({ primary: "pg-us-east-1", target: "pg-eu-west-1", others: ["pg-europe-west3"], epoch: 1, policyVersion: 1 });
    expect(result.steps.map((step) => step.id)).toEqual(expect.arrayContaining(["fence-primary", "promote-target", "switch-route"]));
    // No agent has reported yet: the target cannot be shown streaming.
    expect(result.blockers).toContain("The target streams from the primary: pg-eu-west-1 is not streaming (WAL receiver absent, health unknown)");
    expect(await tableCounts()).toEqual(before);
  });

  it("passes its checks once the agents report a healthy topology", async () => {
    for (const name of ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"]) {
      const replica = await db().replica.findFirstOrThrow({ where: { name } });
      const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
      const report =
        name === "pg-us-east-1"
          ? standbyReport(1, { role: "primary", walReceiver: null, lag: { bytes: null, seconds: null }, lsn: { current: "1000", received: null, replayed: null } })
          : standbyReport(1);
      await ingestBatch({ type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" }, batchOf([report]));
    }
    const result = runPlanSchema.parse((await plan("planned-switchover", switchover)).json);
    expect(result.blockers).toEqual([]);
    expect(result.steps.find((step) => step.id === "residency")?.condition).toEqual({
      name: "residency-allows-target",
      holds: true,
      sentence: "every dataset may live in aws:eu-west-1 (EU)",
    });
  });

  it("names bad parameters, an unknown service and an unknown runbook", async () => {
    const bad = runPlanSchema.parse((await plan("planned-switchover", { service: "orders-db", to_region: "aws:us-east-1", reason: "x" })).json);
    expect(bad.blockers).toEqual(["reason must be at least 5 characters", "aws:us-east-1 already holds the primary"]);
    const unknownService = await plan("planned-switchover", { ...switchover, service: "nope" });
    expect(unknownService.status).toBe(400);
    expect(unknownService.json.error.field).toBe("params.service");
    expect((await plan("no-such-runbook", switchover)).status).toBe(404);
  });
});
