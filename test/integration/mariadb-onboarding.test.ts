import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as commandKeyRoute } from "@/app/api/v1/agents/command-key/route";
import { GET as configRoute } from "@/app/api/v1/agents/config/route";
import { POST as enrollRoute } from "@/app/api/v1/agents/enroll/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { POST as approveRoute } from "@/app/api/v1/change-requests/[id]/approve/route";
import { POST as issueRoute } from "@/app/api/v1/replicas/[id]/enrollment-tokens/route";
import { POST as applyRoute } from "@/app/api/v1/topology/apply/route";
import { POST as discoverRoute } from "@/app/api/v1/topology/discover/route";
import { MariadbAdapter } from "@/agents/mariadb/mariadb-adapter";
import type { AgentState } from "@/agents/enrollment/agent-state";
import { buildAgentConfig } from "@/agents/enrollment/build-agent-config";
import { runDoctor } from "@/agents/enrollment/doctor";
import { agentRuntimeConfigSchema } from "@/contracts/enrollment";
import { discoveryResultSchema, type DiscoveryResult } from "@/contracts/discovery";
import { completeProposal, initialAnswers } from "@/core/discovery/answer-proposal";
import { db } from "@/server/db/client";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { batchOf } from "../support/reports";
import { DATABASE, MariadbTrio, USERS } from "../support/mariadb-trio";

/**
 * Bringing a MariaDB topology under Switchyard as its owner would (issue 22):
 * three real MariaDB servers with GTID replication and semi-synchronous
 * commits, discovered from one replica through a monitoring user, the
 * proposal answered and applied through the two-person topology approval,
 * then an agent enrolled next to a replica, checked by doctor, and its first
 * report accepted.
 */

const NAMES = ["onb-us-east-1", "onb-eu-west-1", "onb-europe-west3"] as const;
const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];

let trio: MariadbTrio;
let requester: string;
let approver: string;
let fromReplica: DiscoveryResult;

const node = (index: number) => trio.nodes[index]!;
const monitorUrl = (index: number) => trio.url(node(index), "monitor");
const discover = (body: unknown, token = requester) => call(discoverRoute, { method: "POST", path: "/api/v1/topology/discover", token, body });

beforeAll(async () => {
  trio = await MariadbTrio.start([...NAMES]);
  // Created on the primary, the users replicate to the replicas.
  await trio.root(node(0), "CREATE USER nosy@'%' IDENTIFIED BY 'nosy-secret-1'");
  await seedDemoTopology(db());
  requester = await tokenFor((await createTestUser("onboarder@example.com", ["admin", "approver"])).id);
  approver = await tokenFor((await createTestUser("second-person@example.com", ["approver"])).id);
}, 180_000);

afterAll(async () => {
  await trio?.stopAll();
});

describe("discovering a MariaDB topology from one replica", () => {
  it("walks to the primary and its replicas: three members, the primary first, the semi-synchronous replicas as sync", async () => {
    const { status, json } = await discover({ primaryUrl: monitorUrl(1), serviceId: "onb-sessions", name: "Onboarded sessions" });
    expect(status, JSON.stringify(json)).toBe(200);
    fromReplica = discoveryResultSchema.parse(json);
    const [service] = fromReplica.proposal.services;
    expect(service).toMatchObject({ id: "onb-sessions", engine: "mariadb", primary: NAMES[0] });
    expect(service.replicas).toEqual([
      { name: NAMES[0], host: "127.0.0.1", port: node(0).port, database: DATABASE },
      { name: NAMES[1], host: "127.0.0.1", port: node(1).port, database: DATABASE, replication: "sync" },
      // Listed by the primary at its report_host, a name no resolver knows: found, its address asked.
      { name: NAMES[2], database: DATABASE, replication: "sync" },
    ]);
    expect(fromReplica.questions.map((item) => `${item.id} ${item.path}`)).toEqual(
      expect.arrayContaining(["standby-host services.0.replicas.2.host", "standby-port services.0.replicas.2.port", "primary-replication services.0.replicas.0.replication"]),
    );
    expect(fromReplica.questions.find((item) => item.id === "standby-port")?.question).toContain(`reports ${node(2).port} as report_port`);
    expect(fromReplica.observations.map((item) => item.id)).toEqual(expect.arrayContaining(["unreached", "semi-sync", "gtid-positions"]));
    expect(fromReplica.observations.find((item) => item.id === "gtid-positions")?.observation).toMatch(new RegExp(`${NAMES[0]} \\(primary\\) wrote up to 0-1-\\d+; ${NAMES[1]} applied 0-1-\\d+`));
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "topology.discover" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ targetType: "mariadb_server", targetId: `127.0.0.1:${node(1).port}`, outcome: "success" });
    expect(JSON.stringify(event, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(USERS.monitor.password);
  });

  it("fills in every endpoint when the unreachable replica's URL is given too", async () => {
    const { status, json } = await discover({ primaryUrl: monitorUrl(1), standbyUrls: [monitorUrl(2)] });
    expect(status, JSON.stringify(json)).toBe(200);
    const result = discoveryResultSchema.parse(json);
    expect(result.proposal.services[0].replicas.map((replica) => [replica.name, replica.port, replica.replication])).toEqual([
      [NAMES[0], node(0).port, undefined],
      [NAMES[1], node(1).port, "sync"],
      [NAMES[2], node(2).port, "sync"],
    ]);
    expect(result.questions.map((item) => item.id)).not.toContain("standby-host");
  });

  it("answers 400 naming the field and the problem: a user without the privileges (with the GRANT), a server not there, a URL of the other engine", async () => {
    const nosyOn = (database: string) => `mariadb://nosy:nosy-secret-1@127.0.0.1:${node(1).port}/${database}`;
    const noDatabase = await discover({ primaryUrl: nosyOn(DATABASE) });
    expect(noDatabase.json.error.message).toBe(`primaryUrl: could not read 127.0.0.1:${node(1).port} as nosy: Access denied for user 'nosy'@'%' to database '${DATABASE}'`);
    const denied = await discover({ primaryUrl: nosyOn("") });
    expect(denied.status).toBe(400);
    expect(denied.json.error.field).toBe("primaryUrl");
    expect(denied.json.error.message).toContain("GRANT SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'nosy'@'%';");

    const closed = await discover({ primaryUrl: `mariadb://switchyard_monitor:x@127.0.0.1:1/${DATABASE}` });
    expect(closed.status).toBe(400);
    expect(closed.json.error.message).toMatch(/^primaryUrl: could not read 127\.0\.0\.1:1 as switchyard_monitor: /);

    const before = await tableCounts();
    const mixed = await discover({ primaryUrl: monitorUrl(1), standbyUrls: ["postgresql://monitor@127.0.0.1:5432/orders"] });
    expect(mixed.status).toBe(400);
    expect(mixed.json.error.field).toBe("standbyUrls.0");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("the proposal, answered and applied through the two-person topology approval", () => {
  it("becomes a fleet document with engine mariadb, a change request its requester cannot approve, and the service once a second person does", async () => {
    const answers = initialAnswers(fromReplica.proposal);
    answers.replicas.forEach((replica, index) => (replica.region = REGIONS[index]!));
    answers.replicas[0]!.replication = "sync";
    answers.replicas[2]!.host = "127.0.0.1";
    answers.replicas[2]!.port = String(node(2).port);
    answers.datasets = [{ name: "sessions", ownerTeam: "identity", consistency: "strong", rpoSeconds: "0", rtoSeconds: "60" }];
    const completed = completeProposal(fromReplica.proposal, answers, { regionIds: REGIONS, serviceIds: [] });
    if (!completed.ok) throw new Error(JSON.stringify(completed.problems));
    expect(completed.document.services[0]).toMatchObject({ engine: "mariadb", primary: NAMES[0] });

    const applied = await call(applyRoute, { method: "POST", token: requester, body: { document: completed.document, reason: "adopt the discovered MariaDB topology", approval: "always" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const request = applied.json.changeRequests.find((item: { scope: string }) => item.scope === "service:onb-sessions");
    expect(request).toBeDefined();
    expect(await db().service.findUnique({ where: { id: "onb-sessions" } })).toBeNull();
    expect((await call(approveRoute, { method: "POST", token: requester, params: { id: request.id }, body: {} })).status).toBe(403);
    const approved = await call(approveRoute, { method: "POST", token: approver, params: { id: request.id }, body: {} });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);

    const service = await db().service.findUniqueOrThrow({ where: { id: "onb-sessions" }, include: { replicas: true, writeReplica: true } });
    expect(service.engine).toBe("mariadb");
    expect(service.writeReplica?.name).toBe(NAMES[0]);
    expect(service.replicas.map((replica) => [replica.name, replica.role, replica.replication, replica.port]).sort()).toEqual(
      [
        [NAMES[0], "primary", "sync", node(0).port],
        [NAMES[1], "standby", "sync", node(1).port],
        [NAMES[2], "standby", "sync", node(2).port],
      ].sort(),
    );
  });
});

describe("an agent enrolled next to a MariaDB replica", () => {
  it("passes doctor with the monitoring user and the commands user, enrolls, and its first report is accepted", async () => {
    const host = {
      mariadb: monitorUrl(1),
      commandsMariadb: trio.url(node(1), "admin"),
      replication: { user: USERS.replication.user, password: USERS.replication.password },
      metrics: { port: 0, host: "127.0.0.1" },
      health: { port: 0, host: "127.0.0.1" },
    };
    const lines: string[] = [];
    await runDoctor({ kind: "doctor", stateDir: trio.dir, controlPlaneUrl: null, host }, (line) => lines.push(line));
    const mariadbChecks = lines.filter((line) => /^(ok|PROBLEM)\s+(mariadb|commands-user|gtid-strict|binlog|semi-sync)\s/.test(line));
    expect(mariadbChecks.map((line) => line.slice(0, 7).trim()), lines.join("\n")).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    const nosyLines: string[] = [];
    await runDoctor({ kind: "doctor", stateDir: trio.dir, controlPlaneUrl: null, host: { ...host, commandsMariadb: `mariadb://nosy:nosy-secret-1@127.0.0.1:${node(1).port}/` } }, (line) => nosyLines.push(line));
    expect(nosyLines.join("\n")).toMatch(/PROBLEM commands-user +'?nosy@%'? \(commands run\) lacks READ_ONLY ADMIN/);

    const replica = await db().replica.findFirstOrThrow({ where: { serviceId: "onb-sessions", name: NAMES[1] } });
    const issued = await call(issueRoute, { method: "POST", token: requester, params: { id: replica.id }, body: {} });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    const enrolled = await call(enrollRoute, { method: "POST", token: issued.json.token, body: { version: "test" } });
    expect(enrolled.status, JSON.stringify(enrolled.json)).toBe(201);
    const remote = agentRuntimeConfigSchema.parse((await call(configRoute, { token: enrolled.json.token })).json);
    expect(remote.replica).toMatchObject({ name: NAMES[1], engine: "mariadb", port: node(1).port });
    const key = (await call(commandKeyRoute, { token: requester })).json;
    const state: AgentState = {
      controlPlaneUrl: "http://switchyard.test",
      agentId: enrolled.json.agent.id,
      agentName: enrolled.json.agent.name,
      replicaId: replica.id,
      token: enrolled.json.token,
      commandKey: { publicKey: key.publicKey, fingerprint: key.fingerprint },
      enrolledAt: new Date().toISOString(),
      host,
    };
    const config = buildAgentConfig(state, remote, trio.dir);
    expect(config.replica).toMatchObject({ engine: "mariadb", connectionString: monitorUrl(1) });

    if (config.replica.engine !== "mariadb") throw new Error(`an agent for ${config.replica.engine}`);
    const adapter = new MariadbAdapter(config.replica.connectionString, config.probeTimeoutMs);
    const observed = await adapter.probe().finally(() => adapter.close());
    const posted = await call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token: config.token, body: batchOf([{ seq: 1, observedAt: new Date().toISOString(), ...observed, peers: [] }]) });
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    const stored = await db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id } });
    expect(stored).toMatchObject({ role: "standby" });
  });
});
