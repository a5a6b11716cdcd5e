import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { POST as applyRoute } from "@/app/api/v1/topology/apply/route";
import { POST as discoverRoute } from "@/app/api/v1/topology/discover/route";
import { POST as planRoute } from "@/app/api/v1/topology/plan/route";
import type { Io } from "@/cli/command";
import { runCli } from "@/cli/main";
import { discoveryResultSchema, type DiscoveryResult } from "@/contracts/discovery";
import { OPERATIONS } from "@/contracts/operations";
import { parseSynchronousStandbyNames } from "@/core/discovery/synchronous-standby-names";
import { pauseCluster, resumeCluster } from "@/embedded/postgres-cluster";
import { db } from "@/server/db/client";
import { freePort } from "@/server/store/free-port";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { ReplicationCluster, type ClusterServer } from "../support/replication-cluster";

/**
 * Discovery against real streaming replication: a PostgreSQL 18 primary
 * with a synchronous and an asynchronous standby, a standby cascading from
 * the synchronous one, and an unrelated cluster, read through a monitoring
 * role that is not a superuser.
 */

const SUPERUSER_PASSWORD = randomBytes(12).toString("hex");
const MONITOR_PASSWORD = `mon-${randomBytes(8).toString("hex")}`;
const STATS_ONLY_PASSWORD = `stats-${randomBytes(8).toString("hex")}`;
const NOBODY_PASSWORD = `nobody-${randomBytes(8).toString("hex")}`;

const cluster = ReplicationCluster.create("discovery", SUPERUSER_PASSWORD);
let primary: ClusterServer;
let eu: ClusterServer;
let europe: ClusterServer;
let cascade: ClusterServer;
let other: ClusterServer;
let admin: string;
let operator: string;

const monitorUrl = (server: ClusterServer) => cluster.url(server, "monitor", MONITOR_PASSWORD, "orders");

async function discover(body: unknown, token = admin) {
  return call(discoverRoute, { method: "POST", path: "/api/v1/topology/discover", token, body });
}

async function discovered(body: unknown): Promise<DiscoveryResult> {
  const { status, json } = await discover(body);
  expect(status, JSON.stringify(json)).toBe(200);
  return discoveryResultSchema.parse(json);
}

/** The whole audit trail as text, to prove a secret is nowhere in it. */
async function auditTrailText(): Promise<string> {
  return JSON.stringify(await db().auditEvent.findMany(), (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

async function lastAudit() {
  return db().auditEvent.findFirstOrThrow({ where: { action: "topology.discover" }, orderBy: { seq: "desc" } });
}

async function setStandbyNames(value: string, expected: Record<string, string>): Promise<void> {
  await cluster.sql(primary, `ALTER SYSTEM SET synchronous_standby_names = '${value.replaceAll("'", "''")}'`);
  await cluster.sql(primary, "SELECT pg_reload_conf()");
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await cluster.sql<{ application_name: string; sync_state: string }>(primary, "SELECT application_name, sync_state FROM pg_stat_replication");
    const states = Object.fromEntries(rows.map((row) => [row.application_name, row.sync_state]));
    if (Object.entries(expected).every(([name, state]) => states[name] === state)) return;
    if (Date.now() > deadline) throw new Error(`sync states ${JSON.stringify(states)}, waiting for ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  // Synchronous replication is turned on once its standby streams: before, every commit would wait for it.
  primary = await cluster.startPrimary("primary");
  await cluster.sql(primary, "CREATE DATABASE orders");
  await cluster.sql(primary, `CREATE ROLE monitor LOGIN PASSWORD '${MONITOR_PASSWORD}' IN ROLE pg_monitor`);
  await cluster.sql(primary, `CREATE ROLE stats_only LOGIN PASSWORD '${STATS_ONLY_PASSWORD}' IN ROLE pg_read_all_stats`);
  await cluster.sql(primary, `CREATE ROLE nobody LOGIN PASSWORD '${NOBODY_PASSWORD}'`);
  eu = await cluster.startStandby("pg-eu-west-1", primary);
  europe = await cluster.startStandby("pg-europe-west3", primary);
  cascade = await cluster.startStandby("pg-eu-central-1", eu, { slot: null });
  other = await cluster.startPrimary("other");
  await cluster.streaming(primary, ["pg-eu-west-1", "pg-europe-west3"]);
  await cluster.streaming(eu, ["pg-eu-central-1"]);
  await setStandbyNames('FIRST 1 ("pg-eu-west-1")', { "pg-eu-west-1": "sync", "pg-europe-west3": "async" });

  admin = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
});

afterAll(async () => {
  await cluster.stop();
});

describe("switchyard discover", () => {
  const server = new ApiServer([{ op: OPERATIONS.discoverTopology, handler: discoverRoute }]);
  const folder = mkdtempSync(path.join(os.tmpdir(), "switchyard-discover-cli-"));

  beforeAll(() => server.start());
  afterAll(async () => {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), outBytes: async () => {}, sleep: async () => {}, now: () => new Date() };
    const code = await runCli(argv, { io, env: { SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: admin } });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("writes the proposal as fleet.yaml, questions on top, and prints what is left to answer", async () => {
    const file = path.join(folder, "fleet.yaml");
    const { code, out, err } = await cli("discover", "--primary", monitorUrl(primary), "--standby", monitorUrl(eu), "--standby", monitorUrl(europe), "--service", "orders-db", "--name", "Orders", "-o", file);
    expect(err).toBe("");
    expect(code).toBe(0);
    const yaml = readFileSync(file, "utf8");
    expect(parse(yaml).services[0].replicas).toEqual([
      { host: "127.0.0.1", port: primary.port, database: "orders" },
      { name: "pg-eu-west-1", host: "127.0.0.1", port: eu.port, database: "orders", replication: "sync" },
      { name: "pg-europe-west3", host: "127.0.0.1", port: europe.port, database: "orders", replication: "async" },
      { name: "pg-eu-central-1", database: "orders", replication: "async" },
    ]);
    expect(yaml).toContain("# - services.0.replicas.3.host\n");
    expect(yaml).not.toContain(MONITOR_PASSWORD);
    expect(out).toMatch(/^Wrote .*fleet\.yaml: 4 replicas \(the primary, unnamed, pg-eu-west-1, pg-europe-west3, pg-eu-central-1\)\.$/m);
    expect(out).toContain("- services.0.replicas.0.region");
  });

  it("prints the proposal as YAML without -o, and the answer itself with --json", async () => {
    const yaml = await cli("discover", "--primary", monitorUrl(primary), "--service", "orders-db");
    expect(yaml.code).toBe(0);
    expect(parse(yaml.out).services[0]).toMatchObject({ id: "orders-db", engine: "postgresql" });
    const json = await cli("discover", "--json", "--primary", monitorUrl(primary));
    expect(discoveryResultSchema.parse(JSON.parse(json.out)).questions[0]!.id).toBe("service-id");
  });

  it("says what is wrong: a usage error, a malformed URL caught before sending, a refusal from the server", async () => {
    expect(await cli("discover")).toMatchObject({ code: 2, err: "switchyard discover: --primary <url> is required" });
    expect(await cli("discover", "--primary", "db1:5432")).toMatchObject({
      code: 2,
      err: "switchyard discover: primaryUrl: must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders",
    });
    const refused = await cli("discover", "--primary", monitorUrl(eu));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^switchyard discover: primaryUrl: 127\.0\.0\.1:\d+ is in recovery, so it is a standby .* \(HTTP 400, validation_failed\)$/);
  });
});

describe("discovery from the primary's URL alone", () => {
  it("proposes the primary, the sync and the async standby by application_name, through a role that is not a superuser", async () => {
    const [monitor] = await cluster.sql<{ rolsuper: boolean }>(primary, "SELECT rolsuper FROM pg_roles WHERE rolname = 'monitor'");
    expect(monitor!.rolsuper).toBe(false);

    const result = await discovered({ primaryUrl: monitorUrl(primary), serviceId: "orders-db", name: "Orders" });
    expect(result.proposal).toEqual({
      version: 1,
      services: [
        {
          id: "orders-db",
          name: "Orders",
          engine: "postgresql",
          replicas: [
            { host: "127.0.0.1", port: primary.port, database: "orders" },
            { name: "pg-eu-west-1", database: "orders", replication: "sync" },
            { name: "pg-europe-west3", database: "orders", replication: "async" },
          ],
        },
      ],
    });
    const asked = result.questions.map((item) => item.path);
    for (const index of [0, 1, 2]) expect(asked).toContain(`services.0.replicas.${index}.region`);
    expect(asked).toEqual(expect.arrayContaining(["services.0.replicas.0.name", "services.0.replicas.1.host", "services.0.replicas.2.port", "regions", "services.0.datasets"]));
    expect(result.questions.find((item) => item.path === "services.0.replicas.1.host")!.question).toContain(
      "The primary sees it connect from 127.0.0.1, which is where it connects from, not where it listens",
    );
    expect(result.observations).toEqual([]);
  });

  it("records who discovered which server with which role, and no password anywhere", async () => {
    const event = await lastAudit();
    expect(event).toMatchObject({
      actorLabel: "admin@example.com",
      outcome: "success",
      targetType: "postgresql_server",
      targetId: `127.0.0.1:${primary.port}`,
      serviceId: "orders-db",
    });
    expect(event.details).toMatchObject({ primary: `127.0.0.1:${primary.port}`, standbys: [], role: "monitor", replicas: [null, "pg-eu-west-1", "pg-europe-west3"] });
    const trail = await auditTrailText();
    for (const secret of [MONITOR_PASSWORD, SUPERUSER_PASSWORD]) expect(trail).not.toContain(secret);
  });

  it("is for admins only, and writes nothing else", async () => {
    const before = await tableCounts();
    const { status } = await discover({ primaryUrl: monitorUrl(primary) }, operator);
    expect(status).toBe(403);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("discovery with the standbys' URLs", () => {
  it("fills in their endpoints, finds the cascade through its upstream, and cross-checks each WAL receiver", async () => {
    const result = await discovered({
      primaryUrl: monitorUrl(primary),
      standbyUrls: [monitorUrl(europe), monitorUrl(cascade), monitorUrl(eu)],
      serviceId: "orders-db",
      name: "Orders",
    });
    expect(result.proposal.services[0].replicas).toEqual([
      { host: "127.0.0.1", port: primary.port, database: "orders" },
      { name: "pg-eu-west-1", host: "127.0.0.1", port: eu.port, database: "orders", replication: "sync" },
      { name: "pg-europe-west3", host: "127.0.0.1", port: europe.port, database: "orders", replication: "async" },
      { name: "pg-eu-central-1", host: "127.0.0.1", port: cascade.port, database: "orders", replication: "async" },
    ]);
    expect(result.questions.filter((item) => /host|port/.test(item.path))).toEqual([]);
    expect(result.observations.map((item) => item.id)).toEqual(["cascading", "no-slot"]);
    expect(result.observations[0]!.observation).toBe(
      `pg-eu-central-1 streams from the standby 127.0.0.1:${eu.port}, not from the primary (cascading replication): proposed as async, since only the primary's own standbys can be synchronous`,
    );
    expect((await lastAudit()).details).toMatchObject({ standbys: [`127.0.0.1:${europe.port}`, `127.0.0.1:${cascade.port}`, `127.0.0.1:${eu.port}`] });
  });

  it("asks instead of failing when the role may read the statistics but not primary_conninfo", async () => {
    const statsOnly = (server: ClusterServer) => cluster.url(server, "stats_only", STATS_ONLY_PASSWORD, "orders");
    const result = await discovered({ primaryUrl: statsOnly(primary), standbyUrls: [statsOnly(eu)], serviceId: "orders-db", name: "Orders" });
    expect(result.questions[0]).toMatchObject({ id: "primary-name" });
    expect(result.questions[0]!.question).toContain("its primary_conninfo cannot be read (permission denied: grant the role pg_monitor, or pg_read_all_settings)");
    expect(result.observations.map((item) => item.id)).toEqual(["conninfo-unreadable", "cascading", "no-slot"]);
  });
});

describe("from proposal to fleet", () => {
  const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3", "aws:eu-central-1"];
  const answers: Record<string, (path: string) => unknown> = {
    "primary-name": () => "pg-us-east-1",
    "primary-field": () => "pg-us-east-1",
    "primary-replication": () => "async",
    "replica-region": (path) => REGIONS[Number(path.split(".")[3])],
    regions: () =>
      REGIONS.map((id) => {
        const [cloud, code] = id.split(":");
        return { cloud, code, jurisdiction: code!.startsWith("us") ? "US" : "EU", displayName: id };
      }),
    datasets: () => [{ name: "orders", ownerTeam: "payments", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
  };

  it("once its questions are answered, the proposal is a fleet document the plan accepts and apply puts in force", async () => {
    const result = await discovered({ primaryUrl: monitorUrl(primary), standbyUrls: [monitorUrl(eu), monitorUrl(europe), monitorUrl(cascade)], serviceId: "orders-db", name: "Orders" });
    const document = structuredClone(result.proposal) as unknown as Record<string, unknown>;
    for (const { id, path: where } of result.questions) {
      const keys = where.split(".");
      let node = document;
      for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[keys.at(-1)!] = answers[id]!(where);
    }
    const plan = await call(planRoute, { method: "POST", token: admin, body: { document } });
    expect(plan.status, JSON.stringify(plan.json)).toBe(200);
    expect(plan.json.issues).toEqual([]);
    expect(plan.json.acceptable).toBe(true);
    const applied = await call(applyRoute, { method: "POST", token: admin, body: { document, reason: "adopt the discovered cluster" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const replicas = await db().replica.findMany({ where: { serviceId: "orders-db" }, orderBy: { name: "asc" } });
    expect(replicas.map((replica) => `${replica.name} ${replica.port} ${replica.replication}`)).toEqual([
      `pg-eu-central-1 ${cascade.port} async`,
      `pg-eu-west-1 ${eu.port} sync`,
      `pg-europe-west3 ${europe.port} async`,
      `pg-us-east-1 ${primary.port} async`,
    ]);
  });
});

describe("how synchronous_standby_names decides sync and async", () => {
  afterAll(async () => {
    await setStandbyNames('FIRST 1 ("pg-eu-west-1")', { "pg-eu-west-1": "sync", "pg-europe-west3": "async" });
  });

  it("a potential standby of FIRST 1 is sync, and says why", async () => {
    await setStandbyNames('FIRST 1 ("pg-eu-west-1", "pg-europe-west3")', { "pg-eu-west-1": "sync", "pg-europe-west3": "potential" });
    const result = await discovered({ primaryUrl: monitorUrl(primary), serviceId: "orders-db", name: "Orders" });
    expect(result.proposal.services[0].replicas.map((replica) => replica.replication)).toEqual([undefined, "sync", "sync"]);
    expect(result.observations.map((item) => item.id)).toEqual(["potential-standby"]);
  });

  it("each member of an ANY quorum is sync, and the quorum is reported", async () => {
    await setStandbyNames("ANY 2 (*)", { "pg-eu-west-1": "quorum", "pg-europe-west3": "quorum" });
    const result = await discovered({ primaryUrl: monitorUrl(primary), serviceId: "orders-db", name: "Orders" });
    expect(result.proposal.services[0].replicas.map((replica) => replica.replication)).toEqual([undefined, "sync", "sync"]);
    expect(result.observations.map((item) => item.id)).toEqual(["wildcard", "quorum", "sync-count"]);
  });

  it("is parsed exactly as PostgreSQL parses it: what it refuses, the parser refuses", async () => {
    const values = ['FIRST 2 ("a", b)', "ANY 1 (*)", "2 (a, b)", "a, b", '"any"', "any", "pg-eu-west-1", "a b", "ANY (a)", "FIRST 0 (a)", "1a", '"open', "a,", "ANY 1 ()"];
    for (const value of values) {
      const accepted = await cluster
        .sql(other, `ALTER SYSTEM SET synchronous_standby_names = '${value.replaceAll("'", "''")}'`)
        .then(() => true)
        .catch(() => false);
      expect(parseSynchronousStandbyNames(value).ok, value).toBe(accepted);
    }
    await cluster.sql(other, "ALTER SYSTEM RESET synchronous_standby_names");
  });
});

describe("refusals: 400 naming the field, the attempt audited", () => {
  async function refused(body: unknown) {
    const before = await db().auditEvent.count();
    const { status, json } = await discover(body);
    expect(status, JSON.stringify(json)).toBe(400);
    expect(await db().auditEvent.count()).toBe(before + 1);
    const event = await lastAudit();
    expect(event.outcome).toBe("failure");
    expect(event.reason).toBe(json.error.message);
    return json.error as { code: string; field: string; message: string };
  }

  it("a standby's URL given as the primary's", async () => {
    const error = await refused({ primaryUrl: monitorUrl(eu) });
    expect(error).toEqual({
      code: "validation_failed",
      field: "primaryUrl",
      message: `primaryUrl: 127.0.0.1:${eu.port} is in recovery, so it is a standby (it streams from 127.0.0.1:${primary.port}), not a primary: give the primary's URL as primaryUrl and this one under standbyUrls`,
    });
  });

  it("a primary's URL given as a standby's", async () => {
    expect(await refused({ primaryUrl: monitorUrl(primary), standbyUrls: [cluster.url(other)] })).toMatchObject({
      field: "standbyUrls.0",
      message: expect.stringMatching(/^standbyUrls\.0: 127\.0\.0\.1:\d+ is not in recovery: it takes writes itself/),
    });
  });

  it("a role without pg_monitor, which sees no replication details", async () => {
    expect(await refused({ primaryUrl: cluster.url(primary, "nobody", NOBODY_PASSWORD, "orders") })).toMatchObject({
      field: "primaryUrl",
      message: expect.stringContaining("role nobody may not see the replication details"),
    });
  });

  it("a standby of another cluster", async () => {
    const stranger = await cluster.startStandby("stranger", other, { from: other });
    expect(await refused({ primaryUrl: monitorUrl(primary), standbyUrls: [monitorUrl(eu), cluster.url(stranger)] })).toMatchObject({
      field: "standbyUrls.1",
      message: expect.stringMatching(new RegExp(`^standbyUrls\\.1: 127\\.0\\.0\\.1:${stranger.port} belongs to another cluster: its system identifier \\d+ is not 127\\.0\\.0\\.1:${primary.port}'s \\d+`)),
    });
  });

  it("a server nobody answers on, and a wrong password, without repeating it", async () => {
    const port = await freePort();
    expect(await refused({ primaryUrl: `postgresql://monitor:x@127.0.0.1:${port}/orders` })).toMatchObject({
      field: "primaryUrl",
      message: expect.stringMatching(new RegExp(`^primaryUrl: could not read 127\\.0\\.0\\.1:${port} as monitor: .*ECONNREFUSED`)),
    });
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    const error = await refused({ primaryUrl: cluster.url(primary, "monitor", wrong, "orders") });
    expect(error.message).toBe(`primaryUrl: could not read 127.0.0.1:${primary.port} as monitor: password authentication failed for user "monitor"`);
    expect(await auditTrailText()).not.toContain(wrong);
  });

  it("a server that stops answering (frozen) is given up on, not waited for", async () => {
    await pauseCluster(other.dataDir);
    try {
      expect(await refused({ primaryUrl: cluster.url(other) })).toMatchObject({
        field: "primaryUrl",
        message: expect.stringMatching(new RegExp(`^primaryUrl: could not read 127\\.0\\.0\\.1:${other.port} as postgres: .*timeout`)),
      });
    } finally {
      await resumeCluster(other.dataDir);
    }
  });

  it("a URL without a password never borrows the control plane's own (PGPASSWORD)", async () => {
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = SUPERUSER_PASSWORD;
    try {
      const error = await refused({ primaryUrl: `postgresql://postgres@127.0.0.1:${primary.port}/orders` });
      expect(error.message).toBe(`primaryUrl: could not read 127.0.0.1:${primary.port} as postgres: the server asks for a password, and the URL has none`);
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved;
    }
  });

  it("a malformed URL is refused before any server is contacted, and writes nothing", async () => {
    const before = await tableCounts();
    const { status, json } = await discover({ primaryUrl: "postgresql://monitor:secret@db1/orders", standbyUrls: ["db2:5432"] });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ field: "standbyUrls.0", message: "standbyUrls.0: must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders" });
    expect(await tableCounts()).toEqual(before);
  });
});
