import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changeRequestRoute } from "@/app/api/v1/change-requests/[id]/route";
import { POST as retireRegionRoute } from "@/app/api/v1/regions/[id]/retire/route";
import { POST as retireServiceRoute } from "@/app/api/v1/services/[id]/retire/route";
import { POST as applyRoute } from "@/app/api/v1/topology/apply/route";
import { GET as exportRoute } from "@/app/api/v1/topology/export/route";
import { POST as planRoute } from "@/app/api/v1/topology/plan/route";
import { OPERATIONS } from "@/contracts/operations";
import { fleetDocumentSchema } from "@/contracts/topology";
import { RETIREMENT_MODES } from "@/core/topology/retirement";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { createTestUser, tableCounts, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { runCliCaptured } from "../support/cli";

/**
 * `switchyard export`, `apply -f … --dry-run` and `apply -f … --reason` over
 * real HTTP: the round trip an SRE does from a terminal or a CI job.
 */
const server = new ApiServer([
  { op: OPERATIONS.exportTopology, handler: exportRoute },
  { op: OPERATIONS.planTopology, handler: planRoute },
  { op: OPERATIONS.applyTopology, handler: applyRoute },
  { op: OPERATIONS.getChangeRequest, handler: changeRequestRoute },
  { op: OPERATIONS.retireService, handler: retireServiceRoute },
  { op: OPERATIONS.retireRegion, handler: retireRegionRoute },
]);
const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-cli-topology-"));
let admin: string;

const cli = (token: string, ...argv: string[]) => runCliCaptured(argv, { SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: token }, { sleep: async () => {} });

beforeAll(async () => {
  await seedDemoTopology(db());
  await server.start();
  admin = await tokenFor((await createTestUser("cli-topology-admin@example.com", ["admin"])).id);
});

afterAll(async () => {
  await server.stop();
});

describe("switchyard export / apply", () => {
  it("exports YAML that applies back as a no-op, then applies an edit as a change request", async () => {
    const exported = await cli(admin, "export");
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/^# Switchyard fleet document/);
    const file = path.join(dir, "fleet.yaml");
    writeFileSync(file, exported.out);

    const dry = await cli(admin, "apply", "-f", file, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("The document can be applied.");
    expect(dry.out).toMatch(/^service:orders-db \(revision 0\): unchanged$/m);

    const document = fleetDocumentSchema.parse(parse(readFileSync(file, "utf8")));
    document.services[0]!.replicas.find((replica) => replica.name === "pg-europe-west3")!.promotionPriority = 70;
    writeFileSync(file, stringify(document));
    const planned = await cli(admin, "apply", "-f", file, "--dry-run");
    expect(planned.out).toMatch(/^service:orders-db \(revision 0\): needs a change request, 2 approvals$/m);
    expect(planned.out).toContain("  ! replica pg-europe-west3: promotionPriority 50 → 70");

    const applied = await cli(admin, "apply", "-f", file, "--reason", "prefer the Frankfurt standby");
    expect(applied.code, applied.err).toBe(0);
    const [, id] = applied.out.match(/^Change request (\S+) opened for service:orders-db: needs 2 approvals/m) ?? [];
    expect(id).toBeTruthy();
    expect(await db().changeRequest.findUnique({ where: { id: id! } })).toMatchObject({ kind: "topology", reason: "prefer the Frankfurt standby" });
  });

  it("refuses a file that is not a fleet document before sending it, and a document that breaks a rule with the server's reason, writing nothing", async () => {
    const before = await tableCounts();
    const broken = path.join(dir, "broken.yaml");
    writeFileSync(broken, "version: 1\nservices:\n  - id: orders-db\n    name: x\n");
    const usage = await cli(admin, "apply", "-f", broken, "--dry-run");
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/broken\.yaml: services\.0\.engine: .*services\.0\.primary: /);

    const document = fleetDocumentSchema.parse(parse((await cli(admin, "export")).out));
    document.services[0]!.replicas[0]!.region = "aws:mars-1";
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, stringify(document));
    const refused = await cli(admin, "apply", "-f", bad, "--reason", "typo in a region");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/unknown region aws:mars-1 .*\(rule unknown-region\); nothing was applied/);
    const dry = await cli(admin, "apply", "-f", bad, "--dry-run");
    expect(dry.code).toBe(1);
    expect(dry.out).toMatch(/^Refused: applying it would break a rule\.$/m);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("switchyard retire", () => {
  it("retires an empty region directly, and refuses one that still holds replicas with the server's rule", async () => {
    await db().region.create({ data: { id: "azure:westeurope", cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" } });
    const retired = await cli(admin, "retire", "region", "azure:westeurope", "--reason", "we left this region");
    expect(retired.code, retired.err).toBe(0);
    expect(retired.out).toBe(`Applied: regions\nNote: ${RETIREMENT_MODES["region-unused"].sentence}\n`);
    expect((await db().region.findUniqueOrThrow({ where: { id: "azure:westeurope" } })).retiredAt).not.toBeNull();

    const before = await tableCounts();
    const refused = await cli(admin, "retire", "region", "aws:eu-west-1", "--reason", "we left this region");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("aws:eu-west-1 still holds the active replica orders-db/pg-eu-west-1: retire or move it first (rule region-has-replicas); nothing was applied");
    expect(await tableCounts()).toEqual(before);
  });

  it("opens a change request to retire a service that has had agents, and says why", async () => {
    await db().service.create({ data: { id: "cli-db", name: "CLI", engine: "postgresql" } });
    const replica = await db().replica.create({
      data: { serviceId: "cli-db", regionId: "aws:us-east-1", name: "cli-a", role: "primary", engine: "postgresql", host: "10.50.0.1", port: 5432, databaseName: "cli", replication: "sync" },
    });
    await db().service.update({ where: { id: "cli-db" }, data: { writeReplicaId: replica.id } });
    await registerAgent({ replicaId: replica.id, name: "agent-cli-a" }, SYSTEM_ACTOR);

    const opened = await cli(admin, "retire", "service", "cli-db", "--reason", "moved to the new platform");
    expect(opened.code, opened.err).toBe(0);
    const [, id] = opened.out.match(/^Change request (\S+) opened for service:cli-db: needs 2 approvals \(switchyard change \S+\)$/m) ?? [];
    expect(await db().changeRequest.findUnique({ where: { id: id! } })).toMatchObject({ kind: "topology", topologyScope: "service:cli-db", reason: "moved to the new platform" });
    expect(opened.out).toContain(`Note: ${RETIREMENT_MODES["service-had-agents"].sentence}`);
    expect((await db().service.findUniqueOrThrow({ where: { id: "cli-db" } })).retiredAt).toBeNull();
  });

  it("refuses bad usage before sending anything", async () => {
    const before = await tableCounts();
    expect(await cli(admin, "retire", "database", "cli-db", "--reason", "nope")).toMatchObject({ code: 2, err: expect.stringContaining("retire what? service or region, not database") });
    expect(await cli(admin, "retire", "service", "cli-db")).toMatchObject({ code: 2, err: expect.stringContaining("say why with --reason <text>") });
    expect((await cli(admin, "retire", "service")).code).toBe(2);
    expect(await tableCounts()).toEqual(before);
  });
});
