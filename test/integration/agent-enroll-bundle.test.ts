import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { GET as configRoute } from "@/app/api/v1/agents/config/route";
import { POST as enrollRoute } from "@/app/api/v1/agents/enroll/route";
import { GET as commandsRoute } from "@/app/api/v1/agents/commands/route";
import { POST as reportsRoute } from "@/app/api/v1/agents/reports/route";
import { buildAgentBundle } from "@/agents/build";
import { OPERATIONS } from "@/contracts/operations";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { issueEnrollmentToken } from "@/server/agents/issue-enrollment-token";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { freePort } from "@/server/store/free-port";
import { seedDemoTopology } from "../support/demo-topology";
import { ApiServer } from "../support/api-server";

/**
 * The packed agent as a user runs it, from a folder with no node_modules:
 * enroll with a token against the product's own routes, run from the state
 * folder against a real PostgreSQL cluster of its own, reports stored;
 * started again while the control plane is down, it runs on the config it
 * saved; doctor checks the enrolled host. Its replica is a primary the
 * control plane grants no lease (a stand-in that does not serve the lease
 * route), and the agent may fence it: it is not the store.
 */
const server = new ApiServer([
  { op: OPERATIONS.health, handler: healthRoute },
  { op: OPERATIONS.enrollAgent, handler: enrollRoute },
  { op: OPERATIONS.agentConfig, handler: configRoute },
  { op: OPERATIONS.ingestReports, handler: reportsRoute },
  { op: OPERATIONS.pollCommands, handler: commandsRoute },
]);

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-enroll-"));
chmodSync(dir, 0o755);
const bundle = path.join(dir, "switchyard-agent.cjs");
const stateDir = path.join(dir, "state");
const PASSWORD = "enroll-bundle-pw";
let url: string;
let replicaId: string;
let dataDir: string;
let postgresUrl: string;

interface Outcome {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the packed agent to its end, from the folder it sits in. */
function agent(...args: string[]): Promise<Outcome> {
  return agentWith({}, ...args);
}

/** The same, with secrets in the environment rather than on the command line. */
function agentWith(env: Record<string, string>, ...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: dir, env: { ...process.env, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** Starts `run` and resolves with its log lines once `until` holds, then stops it with SIGTERM. */
async function runUntil(until: (lines: Record<string, unknown>[]) => Promise<boolean> | boolean): Promise<{ lines: Record<string, unknown>[]; code: number | null }> {
  const child: ChildProcess = spawn(process.execPath, [bundle, "run", "--state-dir", stateDir], { cwd: dir });
  const lines: Record<string, unknown>[] = [];
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split("\n");
    buffered = complete.pop()!;
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    while (!(await until(lines))) {
      if (child.exitCode !== null) throw new Error(`the agent exited early (${child.exitCode}): ${JSON.stringify(lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    child.kill("SIGTERM");
  }
  return { lines, code: await exited };
}

beforeAll(async () => {
  dataDir = path.join(dir, "pgdata");
  const port = await freePort();
  postgresUrl = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await initCluster(dataDir, PASSWORD);
  await startCluster({ dataDir, port }, path.join(dir, "postgres.log"));
  await seedDemoTopology(db());
  const replica = await db().replica.create({
    data: { serviceId: "orders-db", regionId: "gcp:europe-west3", name: "pg-enrolled", role: "standby", engine: "postgresql", host: "127.0.0.1", port, databaseName: "postgres", replication: "async" },
  });
  replicaId = replica.id;
  await buildAgentBundle(path.join(dir, "built.cjs"));
  // Only the one file, away from the repository and its node_modules.
  copyFileSync(path.join(dir, "built.cjs"), bundle);
  url = await server.start();
}, 120_000);

afterAll(async () => {
  await server.stop();
  if (dataDir) await stopCluster(dataDir, "immediate").catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe("the packed agent", () => {
  it("says its version and usage", async () => {
    expect(existsSync(path.join(dir, "node_modules"))).toBe(false);
    const version = await agent("--version");
    expect(version).toMatchObject({ code: 0, out: "switchyard-agent 0.1.0\n" });
    const help = await agent("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("SWITCHYARD_ENROLLMENT_TOKEN=<sye_…> switchyard-agent enroll --control-plane <url> --postgres <monitoring url>");
  });

  it("enrolls with a token, pins the command key and prints its fingerprint, and keeps its secrets in a 0600 file", async () => {
    const { token } = await issueEnrollmentToken(replicaId, 3600, SYSTEM_ACTOR);
    const refused = await agent("enroll", "--control-plane", url, "--token", "sye_wrong", "--postgres", postgresUrl, "--state-dir", stateDir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("the control plane refused the enrollment: 401: The enrollment token is unknown");
    expect(existsSync(path.join(stateDir, "agent.json"))).toBe(false);

    // The token and the password from the environment: nothing secret on the command line, and no warning.
    const withoutPassword = postgresUrl.replace(`:${PASSWORD}@`, "@");
    const enrolled = await agentWith({ SWITCHYARD_ENROLLMENT_TOKEN: token, SWITCHYARD_POSTGRES_PASSWORD: PASSWORD }, "enroll", "--control-plane", url, "--postgres", withoutPassword, "--state-dir", stateDir);
    expect(enrolled.err).toBe("");
    expect(enrolled.code).toBe(0);
    const fingerprint = commandKeyFingerprint((await commandSigningKey()).publicKeyPem);
    expect(enrolled.out).toContain(`enrolled as agent-pg-enrolled for replica pg-enrolled`);
    expect(enrolled.out).toContain(`command key pinned, fingerprint ${fingerprint}`);
    expect(statSync(path.join(stateDir, "agent.json")).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);

    const again = await agent("enroll", "--control-plane", url, "--token", token, "--postgres", postgresUrl, "--state-dir", stateDir, "--replace");
    expect(again.code).toBe(2);
    expect(again.err).toContain("401: The enrollment token was already used");
    // Secrets given as flags still work, each with a warning that ps shows them.
    expect(again.err).toContain("switchyard-agent: warning: --token puts a secret where every user of this host can read it (ps, /proc)");
    expect(again.err).toContain("switchyard-agent: warning: a password in --postgres puts a secret");
  });

  it("runs from its state folder and its reports are stored", async () => {
    const agentRow = await db().agent.findUniqueOrThrow({ where: { name: "agent-pg-enrolled" } });
    const { lines, code } = await runUntil(async () => (await db().sample.count({ where: { agentId: agentRow.id } })) >= 2);
    expect(code).toBe(0);
    const started = lines.find((line) => line.event === "agent.started");
    expect(started).toMatchObject({ agent: "agent-pg-enrolled", replica: "pg-enrolled", commands: true });
    expect(started!.peers).toBe(await db().replica.count({ where: { serviceId: "orders-db", NOT: { id: replicaId } } }));
    expect(lines.find((line) => line.event === "agent.command_key")!.fingerprint).toBe(commandKeyFingerprint((await commandSigningKey()).publicKeyPem));
    const sample = await db().sample.findFirstOrThrow({ where: { agentId: agentRow.id }, orderBy: { id: "asc" } });
    expect(sample).toMatchObject({ reachable: true, role: "primary" });
    expect(existsSync(path.join(stateDir, "control-plane-config.json"))).toBe(true);
  });

  it("checks the enrolled host with doctor: control plane, clock, credential and PostgreSQL roles", async () => {
    const doctor = await agent("doctor", "--state-dir", stateDir);
    expect(doctor.out).toMatch(/^ok {6}control-plane {1}http:\/\/127\.0\.0\.1:\d+ answers/m);
    expect(doctor.out).toMatch(/^ok {6}clock /m);
    expect(doctor.out).toMatch(/^ok {6}credential +the control plane accepts this agent's credential/m);
    expect(doctor.out).toMatch(/^ok {6}postgres +connected as /m);
    // Enrolled without replication credentials or a data folder: each named, with its fix, and the exit code says so.
    expect(doctor.out).toMatch(/^PROBLEM replication +no replication credentials/m);
    expect(doctor.out).toContain("fix: enroll again with --data-dir and --bin-dir");
    expect(doctor.code).toBe(1);
  });

  it("starts on the config it saved when the control plane is down", async () => {
    await server.stop();
    try {
      const { lines } = await runUntil((seen) => seen.some((line) => line.event === "agent.started"));
      expect(lines.find((line) => line.event === "config.from_state")!.message).toMatch(/cannot reach the control plane/);
    } finally {
      await server.start(Number(new URL(url).port));
    }
  });

  it("stops, refused, once its replica enrolled another agent", async () => {
    const { token } = await issueEnrollmentToken(replicaId, 3600, SYSTEM_ACTOR);
    const other = path.join(dir, "other-state");
    expect((await agent("enroll", "--control-plane", url, "--token", token, "--postgres", postgresUrl, "--state-dir", other)).code).toBe(2);
    expect((await agent("enroll", "--control-plane", url, "--token", token, "--postgres", postgresUrl, "--state-dir", other, "--replace")).code).toBe(0);
    const run = await agent("run", "--state-dir", stateDir);
    expect(run.code).toBe(2);
    expect(run.err).toContain("the control plane refuses this agent's credential");
  });
});
