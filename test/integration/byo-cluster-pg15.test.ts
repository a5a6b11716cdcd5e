import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentBundle } from "@/agents/build";
import { adminToken, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";
import { discoveryResultSchema } from "@/contracts/discovery";
import type { Role } from "@/core/access/permissions";
import { scopesGrantedBy } from "@/core/access/token-scopes";
import { runSchema, type RunView } from "@/contracts/runs";
import { isPrivileged } from "@/core/access/role-grants";
import { grantFromHost } from "@/server/accounts/grant-from-host";
import { createDb } from "@/server/db/client";
import { freePort } from "@/server/store/free-port";
import { AcknowledgedWriter } from "../support/acknowledged-writer";
import { runCliCaptured } from "../support/cli";
import { DebianPg15Cluster, PG15_BIN, requireDebianPg15, type Pg15Server } from "../support/debian-pg15-cluster";
import { until } from "../support/product";

/**
 * Proof on a cluster Switchyard did not create (issue 13): a PostgreSQL 15
 * cluster from Debian's packages — a primary, a synchronous and an
 * asynchronous standby cloned with pg_basebackup — brought under the product
 * (`npm start`, lab off) the way a user would, through the public API and
 * the `switchyard` CLI only: discovered, its questions answered, applied, a
 * service policy approved by two people other than its requester, an agent
 * enrolled by token next to each server from the packed single-file agent.
 * Then a planned switchover and an automatic failover (primary and its
 * agent killed) with an application writing throughout: every acknowledged
 * commit must be on the new primary. Nothing here reads the control plane's
 * store.
 */
const SERVICE = "ledger-pg15";
const DATABASE = "ledger";
const TABLE = "entries";
const secret = (prefix: string) => `${prefix}-${randomBytes(9).toString("hex")}`;
const ROLES = {
  superuser: { user: "postgres", password: secret("su") },
  monitor: { user: "switchyard_monitor", password: secret("mon") },
  replication: { user: "replicator", password: secret("repl") },
  app: { user: "ledger_app", password: secret("app") },
};
/** The three servers' names, which the standbys stream as (application_name), and the regions they run in. */
const NODES = [
  { name: "pg15-par1", region: { cloud: "onprem", code: "par1", jurisdiction: "EU", displayName: "Paris DC" } },
  { name: "pg15-fra1", region: { cloud: "onprem", code: "fra1", jurisdiction: "EU", displayName: "Frankfurt DC" } },
  { name: "pg15-iad1", region: { cloud: "onprem", code: "iad1", jurisdiction: "US", displayName: "Virginia DC" } },
] as const;
const regionOf = (name: string) => {
  const { region } = NODES.find((node) => node.name === name)!;
  return `${region.cloud}:${region.code}`;
};

let cluster: DebianPg15Cluster;
let servers: Record<string, Pg15Server>;
let product: RunningControlPlane;
let admin: string;
let operator: string;
let approvers: string[];
let bundle: string;
const agents = new Map<string, ChildProcess>();
let writer: AcknowledgedWriter | null = null;
const figures: Record<string, unknown> = {};

async function api(method: string, route: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${product.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => null)) as any };
}

/** The `switchyard` CLI against the running product, as a script would call it. */
const cli = (...argv: string[]) => runCliCaptured(argv, { SWITCHYARD_URL: product.url, SWITCHYARD_TOKEN: admin });

/**
 * A person with an API token, created by `creator`. Approver and admin are
 * granted from the host, as an installation's first approvers are (one
 * admin cannot grant them alone).
 */
async function person(email: string, roles: Role[], creator = admin): Promise<string> {
  const password = secret("pw");
  const created = await api("POST", "/api/v1/users", creator, { email, password, roles });
  if (created.status !== 201) throw new Error(`creating ${email}: ${created.status} ${JSON.stringify(created.json)}`);
  const privileged = roles.filter(isPrivileged);
  if (privileged.length) {
    const client = createDb(product.databaseUrl, 1);
    await grantFromHost(client, { email, roles: privileged, reason: "byo-cluster-pg15: onboarding" }).finally(() => client.$disconnect());
  }
  const issued = await fetch(`${product.url}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "byo-cluster-pg15", scopes: scopesGrantedBy(roles as Role[]) }),
  });
  if (!issued.ok) throw new Error(`a token for ${email}: ${issued.status}`);
  return ((await issued.json()) as { token: string }).token;
}

/** The packed agent once (enroll), from the folder it sits in; a failure says what it printed. */
function agentOnce(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: path.dirname(bundle) });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`switchyard-agent ${args[0]} exited ${code}:\n${output}`))));
  });
}

const stateDirOf = (name: string) => path.join(cluster.dir, "agents", name);
const agentLog = (name: string) => path.join(cluster.dir, "agents", `${name}.log`);

/** `switchyard-agent run` next to a server, its output into a log file the failure messages quote. */
function startAgent(name: string): void {
  const log = openSync(agentLog(name), "a");
  const child = spawn(process.execPath, [bundle, "run", "--state-dir", stateDirOf(name)], { stdio: ["ignore", log, log], cwd: path.dirname(bundle) });
  closeSync(log);
  agents.set(name, child);
}

async function killAgent(name: string): Promise<void> {
  const child = agents.get(name);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** What the agents and servers said last, for a failed wait. */
function diagnostics(): string {
  return Object.values(servers)
    .map((server) => `--- agent ${server.name} ---\n${logTail(agentLog(server.name), 25)}\n--- server ${server.name} ---\n${logTail(server.logFile, 20)}`)
    .join("\n");
}

async function waitFor<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  try {
    return await until(what, probe, accept, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${diagnostics()}`);
  }
}

const runOf = async (id: string) => (await api("GET", `/api/v1/runs/${id}`, operator)).json;
const finished = (run: { status: string }) => ["succeeded", "failed", "aborted"].includes(run.status);
const service = async () => (await api("GET", `/api/v1/services/${SERVICE}`, operator)).json;
const route = async () => (await api("GET", `/api/v1/services/${SERVICE}/route`, operator)).json as { writeReplica: string; epoch: number };

/** Every acknowledged commit is on `replica` (asked directly, as the application's owner would). */
async function ledgerOn(replica: string) {
  return writer!.check((text) => cluster.sql<{ id: string }>(servers[replica]!, text));
}

beforeAll(async () => {
  requireDebianPg15();
  cluster = DebianPg15Cluster.create(DATABASE, ROLES);
  // The product first (it may have to build itself), then the cluster it will be shown.
  product = await startControlPlane({ lab: false });
  admin = await adminToken(product.url);

  const [primaryNode, syncNode, asyncNode] = NODES;
  const primary = await cluster.startPrimary(primaryNode.name);
  await cluster.sql(primary, `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
  await cluster.sql(primary, `ALTER TABLE ${TABLE} OWNER TO ${ROLES.app.user}`);
  const sync = await cluster.startStandby(syncNode.name, primary);
  const async = await cluster.startStandby(asyncNode.name, primary);
  await cluster.streaming(primary, [syncNode.name, asyncNode.name]);
  // Synchronous once its standby streams: before, every commit would wait for it.
  await cluster.sql(primary, `ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 ("${syncNode.name}")'`);
  await cluster.sql(primary, "SELECT pg_reload_conf()");
  servers = { [primary.name]: primary, [sync.name]: sync, [async.name]: async };

  bundle = path.join(cluster.dir, "switchyard-agent.cjs");
  await buildAgentBundle(bundle);
  mkdirSync(path.join(cluster.dir, "agents"), { recursive: true });
}, 600_000);

afterAll(async () => {
  await writer?.stop();
  for (const name of agents.keys()) await killAgent(name);
  await product?.stop();
  await cluster?.stop();
  console.log(`byo-cluster-pg15 figures: ${JSON.stringify(figures)}`);
}, 120_000);

describe("a PostgreSQL 15 cluster from Debian's packages, brought under Switchyard through its API and CLI", () => {
  it("discovers the cluster, applies the answered proposal, and has a second and third person approve the service's policy", async () => {
    const [primaryNode, syncNode, asyncNode] = NODES;
    operator = await person("oncall@byo.example", ["operator"]);
    // Onboarded by a second admin: accounts the policy's requester (the first admin) created would not count as second persons for them.
    const onboarding = await person("onboarding@byo.example", ["admin"]);
    approvers = [await person("approver-1@byo.example", ["approver"], onboarding), await person("approver-2@byo.example", ["approver"], onboarding)];
    const monitorUrl = (name: string) => cluster.url(servers[name]!, "monitor");
    const file = path.join(cluster.dir, "fleet.yaml");
    const request = ["--primary", monitorUrl(primaryNode.name), "--standby", monitorUrl(syncNode.name), "--standby", monitorUrl(asyncNode.name), "--service", SERVICE, "--name", "Ledger (Debian PostgreSQL 15)"];
    const discovered = await cli("discover", ...request, "-o", file);
    expect(discovered.err).toBe("");
    expect(discovered.code).toBe(0);
    const result = discoveryResultSchema.parse(JSON.parse((await cli("discover", "--json", ...request)).out));
    // What PostgreSQL knows, read through a role that is only in pg_monitor: the standbys by application_name, sync from synchronous_standby_names.
    expect(result.proposal.services[0].replicas).toEqual([
      { host: "127.0.0.1", port: servers[primaryNode.name]!.port, database: DATABASE },
      { name: syncNode.name, host: "127.0.0.1", port: servers[syncNode.name]!.port, database: DATABASE, replication: "sync" },
      { name: asyncNode.name, host: "127.0.0.1", port: servers[asyncNode.name]!.port, database: DATABASE, replication: "async" },
    ]);
    expect(result.observations).toEqual([]);

    // The answers, each at the path its question names; an unexpected question fails here, named.
    const answers: Record<string, unknown> = {
      "services.0.replicas.0.name": primaryNode.name,
      "services.0.primary": primaryNode.name,
      "services.0.replicas.0.replication": "sync",
      ...Object.fromEntries(NODES.map((node, index) => [`services.0.replicas.${index}.region`, regionOf(node.name)])),
      regions: NODES.map((node) => node.region),
      "services.0.datasets": [{ name: "entries", ownerTeam: "payments", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
    };
    expect(result.questions.map((question) => question.path).filter((asked) => !(asked in answers))).toEqual([]);
    const document = parse(readFileSync(file, "utf8"));
    for (const [at, value] of Object.entries(answers)) setPath(document, at, value);
    writeFileSync(file, stringify(document));

    const dry = await cli("apply", "-f", file, "--dry-run");
    expect(dry.code, dry.out + dry.err).toBe(0);
    expect(dry.out).toContain("The document can be applied.");
    const applied = await cli("apply", "-f", file, "--reason", "bring the Debian PostgreSQL 15 ledger cluster under Switchyard");
    expect(applied.code, applied.out + applied.err).toBe(0);

    const created = await service();
    expect(created.replicas.map((replica: { name: string }) => replica.name).sort()).toEqual(NODES.map((node) => node.name).sort());
    expect((await route()).writeReplica).toBe(primaryNode.name);
    // Exported and applied back, it changes nothing.
    const exported = await cli("export");
    writeFileSync(path.join(cluster.dir, "exported.yaml"), exported.out);
    expect((await cli("apply", "-f", path.join(cluster.dir, "exported.yaml"), "--dry-run")).out).toMatch(new RegExp(`^service:${SERVICE} \\(revision \\d+\\): unchanged$`, "m"));

    // Governance: the service's own policy (its strong dataset synchronous, automatic failover on), proposed by the admin, approved by two others.
    const inherited = await api("GET", `/api/v1/services/${SERVICE}/policy`, admin);
    expect(inherited.status).toBe(200);
    const policy = structuredClone(inherited.json.document);
    policy.failover.automatic = true;
    policy.datasets = { entries: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } } };
    const proposed = await api("POST", "/api/v1/change-requests", admin, { serviceId: SERVICE, document: policy, reason: "the ledger's own policy: strong data, automatic failover" });
    expect(proposed.status, JSON.stringify(proposed.json)).toBe(201);
    const requestId = proposed.json.id as string;
    const own = await api("POST", `/api/v1/change-requests/${requestId}/approve`, admin, {});
    expect(own.status, "the requester may not approve their own request").toBe(403);
    let decided: { status: number; json: any } = { status: 0, json: null };
    for (const approver of approvers) {
      decided = await api("POST", `/api/v1/change-requests/${requestId}/approve`, approver, { comment: "checked" });
      expect(decided.status, JSON.stringify(decided.json)).toBe(200);
    }
    expect(decided.json.status).toBe("applied");
    const inForce = await api("GET", `/api/v1/services/${SERVICE}/policy`, operator);
    expect(inForce.json).toMatchObject({ scope: `service:${SERVICE}`, inherited: false, document: { failover: { automatic: true } } });
  }, 120_000);

  it("enrolls the packed agent next to each server with a token, and the dashboards show the service healthy with its lag", async () => {
    for (const server of Object.values(servers)) {
      const issued = await cli("enroll-token", `${SERVICE}/${server.name}`, "--json");
      expect(issued.code, issued.err).toBe(0);
      const { token } = JSON.parse(issued.out) as { token: string };
      const said = await agentOnce([
        "enroll",
        "--control-plane",
        product.url,
        "--token",
        token,
        "--postgres",
        cluster.url(server, "monitor"),
        "--commands-postgres",
        cluster.url(server, "superuser"),
        "--replication-user",
        ROLES.replication.user,
        "--replication-password",
        ROLES.replication.password,
        "--data-dir",
        server.dataDir,
        "--bin-dir",
        PG15_BIN,
        "--server-log",
        server.logFile,
        "--metrics-port",
        String(await freePort()),
        "--state-dir",
        stateDirOf(server.name),
      ]);
      expect(said).toContain(`for replica ${server.name}`);
      startAgent(server.name);
    }

    const healthy = await waitFor(
      "every replica of the service to report healthy",
      service,
      (json) => json.replicas?.length === 3 && json.replicas.every((replica: { live: { health: string } }) => replica.live.health === "healthy"),
      90_000,
    );
    const byName = Object.fromEntries(healthy.replicas.map((replica: { name: string }) => [replica.name, replica]));
    expect(byName[NODES[0].name].live).toMatchObject({ reportedRole: "primary", timeline: 1 });
    expect(byName[NODES[1].name].live).toMatchObject({ reportedRole: "standby", syncState: "sync", walReceiverStatus: "streaming", lagBytes: expect.any(Number) });
    expect(byName[NODES[2].name].live).toMatchObject({ reportedRole: "standby", syncState: "async", walReceiverStatus: "streaming", lagBytes: expect.any(Number) });

    writer = new AcknowledgedWriter({ controlPlaneUrl: product.url, token: operator, serviceId: SERVICE, user: ROLES.app.user, password: ROLES.app.password, table: TABLE });
    writer.start();
    await waitFor("the application's first acknowledged writes", async () => writer!.count(), (count) => count > 50);

    const lag = await waitFor(
      "lag samples of both standbys on the lag dashboard",
      async () => (await api("GET", `/api/v1/services/${SERVICE}/lag?range=15m`, operator)).json,
      (json) =>
        [NODES[1].name, NODES[2].name].every((name) =>
          json.replicas?.some((replica: { name: string; points: { lagBytes: { max: number | null } }[] }) => replica.name === name && replica.points.some((point) => point.lagBytes.max !== null)),
        ),
    );
    expect(lag.replicas.length).toBe(3);
    const fleet = await waitFor(
      "the fleet overview to show the service healthy with a worst lag",
      async () => (await api("GET", "/api/v1/fleet", operator)).json,
      (json) => json.services?.some((entry: { id: string; health: string; worstLag: unknown }) => entry.id === SERVICE && entry.health === "healthy" && entry.worstLag !== null),
    );
    expect(fleet.services.find((entry: { id: string }) => entry.id === SERVICE)).toMatchObject({ writeReplicaName: NODES[0].name, automation: { state: "on" } });
  }, 180_000);

  it("switches over to the synchronous standby through the planned-switchover runbook, losing no acknowledged write", async () => {
    const [from, to] = [NODES[0].name, NODES[1].name];
    const before = writer!.count();
    const started = await api("POST", "/api/v1/runbooks/planned-switchover/runs", operator, {
      params: { service: SERVICE, to_region: regionOf(to), reason: "byo pg15 proof: planned switchover" },
    });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const runId = runSchema.parse(started.json).id;
    await waitFor("the switchover's manual confirmation", () => runOf(runId), (run) => finished(run) || run.steps.some((step: { stepId: string; state: string }) => step.stepId === "confirm" && step.state === "waiting"));
    const confirmedAt = Date.now();
    expect((await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, { note: "go" })).status).toBe(200);
    const run: RunView = runSchema.parse(await waitFor("the switchover run to finish", () => runOf(runId), finished, 180_000));
    const doneAt = Date.now();
    expect(run.error, `${JSON.stringify(run.steps.filter((step) => step.state !== "succeeded"))}\n${diagnostics()}`).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(await route()).toMatchObject({ writeReplica: to, epoch: 2 });

    await waitFor("acknowledged writes on the new primary", async () => writer!.count(confirmedAt, to), (count) => count > 50);
    const check = await ledgerOn(to);
    expect(check.lost, "acknowledged writes the new primary does not hold").toEqual([]);

    // The old primary rejoined as a standby of the new one (Debian ships pg_rewind), and the new primary names it synchronous again.
    const rejoined = run.steps.find((step) => step.stepId === "rejoin-old-primary");
    expect(rejoined).toMatchObject({ state: "succeeded", output: { [from]: { method: "pg_rewind", timeline: 2 } } });
    expect(run.steps.find((step) => step.stepId === "restore-sync")).toMatchObject({ state: "succeeded", output: { [to]: { synchronousStandbyNames: `FIRST 1 ("${from}")` } } });
    figures.switchover = { confirmToRunDoneMs: doneAt - confirmedAt, longestWriteGapMs: writer!.longestGap(confirmedAt), acknowledgedBefore: before, rejoin: "pg_rewind" };
    await cluster.streaming(servers[to]!, [from, NODES[2].name]);
    expect(await cluster.sql(servers[to]!, "SELECT current_setting('synchronous_standby_names') AS names")).toEqual([{ names: `FIRST 1 ("${from}")` }]);
    // The dashboards show it too: the new primary's agent reports its synchronous standby, so a failover can prove it holds every acknowledged write.
    await waitFor(
      `every replica healthy after the switchover, with ${from} reported as ${to}'s synchronous standby`,
      service,
      (json) =>
        json.replicas.every((replica: { live: { health: string } }) => replica.live.health === "healthy") &&
        json.replicas.some((replica: { name: string; live: { syncState: string | null } }) => replica.name === from && replica.live.syncState === "sync"),
      90_000,
    );
  }, 300_000);

  it("fails over automatically when the primary's PostgreSQL and its agent are killed, losing no acknowledged write", async () => {
    const [survivor, lost] = [NODES[0].name, NODES[1].name];
    await waitFor("acknowledged writes on the current primary", async () => writer!.count(Date.now() - 2_000, lost), (count) => count > 20);
    const killedAt = Date.now();
    // The agent first, as a lost node takes both at once: an agent that outlives its server by a tick restarts it in place.
    await killAgent(lost);
    await cluster.kill(servers[lost]!);

    const runs = await waitFor(
      "the decider to start an automatic failover",
      async () => (await api("GET", `/api/v1/runs?serviceId=${SERVICE}`, operator)).json.runs as { id: string; runbookId: string; mode: string; actorType: string }[],
      (list) => list.some((run) => run.runbookId === "unplanned-failover"),
      90_000,
    );
    const automatic = runs.find((run) => run.runbookId === "unplanned-failover")!;
    const decisions = (await api("GET", `/api/v1/services/${SERVICE}/automation`, operator)).json;
    expect(automatic, `the decision: ${JSON.stringify(decisions.recorded)}`).toMatchObject({ mode: "automatic", actorType: "automation" });
    const run = runSchema.parse(await waitFor("the automatic failover to finish", () => runOf(automatic.id), finished, 120_000));
    const doneAt = Date.now();
    expect(run.error, `${JSON.stringify(run.steps.filter((step) => step.state !== "succeeded" && step.state !== "skipped"))}\n${diagnostics()}`).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(await route()).toMatchObject({ writeReplica: survivor, epoch: 3 });

    const firstWrite = await waitFor("acknowledged writes on the new primary", async () => writer!.acknowledged.find((write) => write.at > killedAt && write.replica === survivor), (write) => write !== undefined);
    await waitFor("more acknowledged writes on the new primary", async () => writer!.count(killedAt, survivor), (count) => count > 50);
    await writer!.stop();
    const check = await ledgerOn(survivor);
    figures.failover = { killToRunDoneMs: doneAt - killedAt, killToFirstAcknowledgedWriteMs: firstWrite!.at - killedAt };
    figures.writes = { acknowledged: check.acknowledged, lost: check.lost.length, failedAttempts: writer!.failures };
    expect(check.lost, "acknowledged writes the new primary does not hold").toEqual([]);
    // The asynchronous standby follows the new primary.
    await cluster.streaming(servers[survivor]!, [NODES[2].name]);
  }, 300_000);
});

/** Sets `value` at a dotted path (`services.0.replicas.1.region`) of a parsed YAML document. */
function setPath(target: Record<string, any>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let at: any = target;
  for (const key of keys.slice(0, -1)) at = at[key];
  at[keys.at(-1)!] = value;
}
