import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { killRegion } from "@/lab/faults";
import { findHaproxy, haproxyDir, readHaproxyPorts, type HaproxyPorts } from "@/lab/haproxy";
import { portOf, requireLabState } from "@/lab/state";
import { findReplica, LAB_DATABASE, LAB_HOST, LAB_SUPERUSER } from "@/lab/topology";
import { runCliCaptured } from "../support/cli";
import { ORDERS_DB_ONLY, productForFile, until } from "../support/product";
import { switchOver } from "../support/switchover";
import { watchRoute, WritePortClient, writesOffRoute, type WriteOutage } from "../support/write-port-client";

/**
 * Debian's HAProxy in front of the lab, as `npm start` runs it when it is
 * installed (scripts/ensure-haproxy.sh installs it for the tests): a client
 * that knows only the write port goes through a planned switchover and an
 * automatic failover (the primary's PostgreSQL killed) and loses no
 * acknowledged write, and no write is accepted by a replica the route did
 * not name then. How long writes failed is printed (BENCHMARKS.md has the
 * figures over several runs: npm run bench:haproxy).
 */
const product = productForFile(ORDERS_DB_ONLY);
const TABLE = "through_haproxy";

const execFileAsync = promisify(execFile);
const serverLines = (config: string) => config.split("\n").filter((line) => line.trimStart().startsWith("server "));

async function labPorts(): Promise<HaproxyPorts> {
  const ports = await readHaproxyPorts(product.running.dataDir);
  if (!ports) throw new Error(`npm start did not run HAProxy (is it installed? scripts/ensure-haproxy.sh installs it): ${findHaproxy() ?? "no haproxy binary found"}`);
  return ports;
}

async function route(): Promise<{ writeReplica: string; epoch: number }> {
  return (await product.api("GET", "/api/v1/services/orders-db/route", product.operator)).json;
}

/** A query through one of HAProxy's ports, on a fresh connection. */
async function through(port: number, text: string): Promise<Record<string, unknown>> {
  const { password } = await requireLabState(product.running.dataDir);
  const client = new pg.Client({ host: LAB_HOST, port, user: LAB_SUPERUSER, password, database: LAB_DATABASE, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.query(text)).rows[0]!;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
function describeOutages(what: string, outages: readonly WriteOutage[]): string {
  if (!outages.length) return `${what}: writes never failed`;
  return outages
    .map((outage) => `${what}: no acknowledged write for ${seconds(outage.firstAfter - outage.lastBefore)} (first failure to first success ${seconds(outage.firstAfter - outage.firstFailureAt)}, ${outage.failures} failed attempts: ${outage.errors.slice(0, 3).join("; ")})`)
    .join("\n");
}

describe("HAProxy in front of the lab", () => {
  it("runs with the configuration `switchyard haproxy-config` writes from the API: the same backends, checked on the same agents' health ports", async () => {
    await product.healthy(120_000);
    const ports = await labPorts();
    const labConfig = readFileSync(path.join(haproxyDir(product.running.dataDir), "haproxy.cfg"), "utf8");
    const env = { SWITCHYARD_URL: product.running.url, SWITCHYARD_TOKEN: product.operator };
    // The agents tell their health ports in their reports: once each has reported, the API knows all three.
    await until(
      "every agent's health endpoint in the API",
      () => product.api("GET", "/api/v1/agents", product.operator),
      ({ json }) => json.agents.filter((agent: { revokedAt: string | null; health: unknown }) => agent.revokedAt === null && agent.health).length === 3,
    );
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "haproxy-config-")), "haproxy.cfg");
    const generated = await runCliCaptured(["haproxy-config", "orders-db", "--write-port", String(ports.write), "--read-port", String(ports.read), "-o", file], env);
    expect(generated, generated.err).toMatchObject({ code: 0, err: "" });
    const cliConfig = readFileSync(file, "utf8");
    expect(serverLines(cliConfig)).toHaveLength(6);
    // The same servers and checks; the API may list the replicas in another order than the lab.
    expect(serverLines(cliConfig).sort()).toEqual(serverLines(labConfig).sort());
    expect(cliConfig).toContain("option httpchk GET /primary");
    expect(cliConfig).toContain("option httpchk GET /replica?lag=16MB");
    await execFileAsync(findHaproxy()!, ["-c", "-q", "-f", file]);

    // The write port reaches the primary, the read port a standby.
    const { writeReplica } = await route();
    const state = await requireLabState(product.running.dataDir);
    expect(await until("the write port to reach the primary", () => through(ports.write, "SELECT inet_server_port() AS port").catch(() => null), Boolean)).toEqual({ port: portOf(state, writeReplica) });
    expect(await until("the read port to reach a standby", () => through(ports.read, "SELECT pg_is_in_recovery() AS standby").catch(() => null), Boolean)).toEqual({ standby: true });
  }, 300_000);

  it("a client writing only through the write port loses no acknowledged write through a switchover and an automatic failover, and no replica but the write replica accepts one", async () => {
    const { dataDir } = product.running;
    const ports = await labPorts();
    const state = await requireLabState(dataDir);
    const replicaOfPort = (port: number) => Object.keys(state.replicas).find((name) => portOf(state, name) === port) ?? `port ${port}`;
    const first = await route();
    await product.sql(first.writeReplica, WritePortClient.tableDefinition(TABLE));

    const routes = watchRoute(route);
    const client = new WritePortClient({ host: LAB_HOST, port: ports.write, database: LAB_DATABASE, user: LAB_SUPERUSER, password: state.password, table: TABLE });
    client.start();
    const acknowledgedBy = (replica: string, since = 0) => client.acknowledged.filter((write) => write.acknowledgedAt >= since && replicaOfPort(write.serverPort) === replica).length;
    try {
      await until("writes through HAProxy", async () => acknowledgedBy(first.writeReplica), (count) => count > 50);

      // (a) A planned switchover to aws:eu-west-1.
      const switchedAt = Date.now();
      const run = await switchOver(product, "aws:eu-west-1", "integration test: clients follow through HAProxy");
      expect(run.error).toBeNull();
      expect(run.status).toBe("succeeded");
      const second = await route();
      expect(second.writeReplica).toBe("pg-eu-west-1");
      await until("writes through HAProxy on the new primary", async () => acknowledgedBy(second.writeReplica, switchedAt), (count) => count > 50, 90_000);
      console.log(describeOutages(`switchover ${first.writeReplica} → ${second.writeReplica}`, client.outages().filter((outage) => outage.firstFailureAt >= switchedAt)));

      // (b) The new primary's PostgreSQL killed: the automation fails over on its own.
      await product.healthy(180_000);
      await until(
        "a synchronous standby of the new primary",
        () => product.api("GET", "/api/v1/services/orders-db", product.operator),
        ({ json }) => json.replicas.some((replica: { live: { syncState: string | null } }) => replica.live.syncState === "sync"),
      );
      const killedAt = Date.now();
      await killRegion(dataDir, findReplica(second.writeReplica).regionId);
      const third = await until("the automatic failover to move the route", route, (now) => now.epoch > second.epoch && now.writeReplica !== second.writeReplica, 120_000);
      const runs = (await product.api("GET", "/api/v1/runs?serviceId=orders-db&limit=1", product.operator)).json.runs;
      expect(runs[0]).toMatchObject({ runbookId: "unplanned-failover", mode: "automatic", actorType: "automation" });
      await until("writes through HAProxy on the promoted standby", async () => acknowledgedBy(third.writeReplica, killedAt), (count) => count > 50, 90_000);
      console.log(describeOutages(`failover ${second.writeReplica} (killed) → ${third.writeReplica}`, client.outages().filter((outage) => outage.firstFailureAt >= killedAt)));
    } finally {
      await client.stop();
      await routes.stop();
    }

    // Writes went to one write replica after another, in the route's order, and each while the route named it.
    const servers = client.acknowledged.map((write) => replicaOfPort(write.serverPort)).filter((server, index, all) => index === 0 || all[index - 1] !== server);
    const routed = routes.segments.map((segment) => segment.writeReplica).filter((replica, index, all) => replica !== null && (index === 0 || all[index - 1] !== replica));
    expect(servers).toEqual(routed);
    expect(servers).toHaveLength(3);
    expect(writesOffRoute(client.acknowledged, replicaOfPort, routes.segments, routes.slackMs())).toEqual([]);

    // Every acknowledged write is on the last primary, as the server that acknowledged it wrote it.
    const last = (await route()).writeReplica;
    const rows = await product.sql<{ id: string; server_port: number }>(last, `SELECT id::text AS id, server_port FROM ${TABLE}`);
    const stored = new Map(rows.map((row) => [Number(row.id), row.server_port]));
    const lost = client.acknowledged.filter((write) => stored.get(write.id) !== write.serverPort);
    expect(lost).toEqual([]);
    expect(client.acknowledged.length).toBeGreaterThan(150);
  }, 600_000);
});
