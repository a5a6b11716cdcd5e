/**
 * Audit trail benchmark: a production control plane on a fresh store holding
 * 1,000,000 audit events (a valid hash chain over 90 days, hashed in Node
 * exactly as the control plane hashes, inserted in batches), measured over
 * HTTP: filtered first pages, full-text searches and a deep keyset page, one
 * request after another; then a streamed export of about 100,000 rows with
 * the control plane's peak resident memory, and one full verification.
 *
 *   npm run bench:audit -- --events 1000000 --requests 50
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { auditChainKey } from "@/server/audit/chain-keying";
import { BENCH_TICKET, seedAuditTrail, serviceName, userEmail } from "./support/audit-trail";
import { adminToken, startControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    requests: { type: "string", default: "50" },
    days: { type: "string", default: "90" },
  },
});
const EVENTS = Number(values.events);
const REQUESTS = Number(values.requests);
const DAYS = Number(values.days);
const WARM_UP = 5;

const seconds = (since: number) => round((performance.now() - since) / 1000);

/** The control plane's process and its descendants, summed. */
function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    try {
      const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
      total += Number(line?.match(/([0-9]+)/)?.[1] ?? 0) / 1024;
    } catch {
      continue;
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

const controlPlane = await startControlPlane();
const pool = new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 2 });
try {
  const token = await adminToken(controlPlane.url);
  const get = (pathAndQuery: string) => fetch(`${controlPlane.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });

  // Indexes are dropped for the load and built after it, as a bulk load is done; the definitions are the migration's own.
  let started = performance.now();
  const client = await pool.connect();
  let seeded: { first: number; last: number };
  let loadSeconds: number;
  let indexSeconds: number;
  try {
    const indexes = await client.query<{ name: string; definition: string }>(
      `SELECT indexname::text AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'AuditEvent' AND indexname NOT IN ('AuditEvent_pkey', 'AuditEvent_hash_key')`,
    );
    for (const index of indexes.rows) await client.query(`DROP INDEX "${index.name}"`);
    // The control plane keyed its chain at its first event, with the key in its data folder's keys/.
    process.env.SWITCHYARD_DATA_DIR = controlPlane.dataDir;
    seeded = await seedAuditTrail(client, auditChainKey(), EVENTS, DAYS);
    loadSeconds = seconds(started);
    started = performance.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const index of indexes.rows) await client.query(index.definition);
    await client.query(`ANALYZE "AuditEvent"`);
    indexSeconds = seconds(started);
    console.error(`seeded ${EVENTS} events in ${loadSeconds} s, indexes in ${indexSeconds} s`);
  } finally {
    client.release();
  }

  const store = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM "AuditEvent")::text AS events, pg_size_pretty(pg_total_relation_size('"AuditEvent"')) AS "tableWithIndexes",
            pg_size_pretty(pg_relation_size('"AuditEvent_search_idx"')) AS "searchIndex"`,
  );
  const count = async (where: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "AuditEvent" WHERE ${where}`, params)).rows[0]!.n);

  const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().replace(/\.[0-9]+Z$/, "Z");
  const deepSeq = seeded.first + Math.floor(EVENTS / 10);
  const targets = [
    { name: "service + 2-day range", query: `serviceId=${serviceName(7)}&from=${iso(30)}&to=${iso(28)}`, matching: await count(`"serviceId" = $1 AND at >= $2 AND at < $3`, [serviceName(7), iso(30), iso(28)]) },
    { name: "one action (service.route)", query: "action=service.route", matching: await count(`action = 'service.route'`) },
    { name: "two actions + failure", query: "action=run.start,run.finish&outcome=failure", matching: await count(`action IN ('run.start', 'run.finish') AND outcome = 'failure'`) },
    { name: "actor (email)", query: `actor=${encodeURIComponent(userEmail(3))}`, matching: await count(`"actorLabel" = $1`, [userEmail(3)]) },
    { name: "full text, rare term", query: `q=${BENCH_TICKET}`, matching: await count(`search @@ websearch_to_tsquery('simple', $1)`, [BENCH_TICKET]) },
    { name: "full text, common phrase", query: `q=${encodeURIComponent('"maintenance window"')}`, matching: await count(`search @@ websearch_to_tsquery('simple', $1)`, ['"maintenance window"']) },
    { name: "full text + service", query: `q=quorum&serviceId=${serviceName(20)}`, matching: await count(`search @@ websearch_to_tsquery('simple', 'quorum') AND "serviceId" = $1`, [serviceName(20)]) },
    { name: "deep keyset page (unfiltered)", query: `before=${deepSeq}`, matching: deepSeq - 1 },
    { name: "deep keyset page (one action)", query: `action=alert.fire&before=${deepSeq}`, matching: await count(`action = 'alert.fire' AND seq < $1`, [deepSeq]) },
  ];

  const latency: Record<string, unknown> = {};
  for (const target of targets) {
    const times: number[] = [];
    let events = 0;
    for (let i = 0; i < WARM_UP + REQUESTS; i++) {
      const t0 = performance.now();
      const response = await get(`/api/v1/audit?limit=50&${target.query}`);
      const body = (await response.json()) as { events: unknown[] };
      const elapsed = performance.now() - t0;
      if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
      if (i >= WARM_UP) times.push(elapsed);
      events = body.events.length;
    }
    const stats = summarize(times);
    latency[target.name] = { query: target.query, matching: target.matching, returned: events, p50Ms: round(stats.p50), p95Ms: round(stats.p95), maxMs: round(stats.max) };
  }

  // A streamed export of about 100,000 rows, read and counted (not kept) by this client.
  const pid = Number(readFileSync(path.join(controlPlane.dataDir, "control-plane.pid"), "utf8"));
  const exportQuery = "action=agent.command_issue";
  const exportExpected = await count(`action = 'agent.command_issue'`);
  const exports: Record<string, unknown> = {};
  for (const format of ["csv", "jsonl"] as const) {
    const rssBefore = treeRssMiB(pid);
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssMiB(pid))), 100);
    const t0 = performance.now();
    const response = await get(`/api/v1/audit/export?format=${format}&${exportQuery}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 10) lines++;
    }
    const exportSeconds = seconds(t0);
    clearInterval(sampler);
    peak = Math.max(peak, treeRssMiB(pid));
    exports[format] = {
      rows: Number(response.headers.get("x-audit-rows")),
      expectedRows: exportExpected,
      lines,
      MiB: round(bytes / 2 ** 20),
      seconds: exportSeconds,
      rowsPerSecond: Math.round(exportExpected / exportSeconds),
      controlPlaneRssMiB: { before: round(rssBefore), peak: round(peak) },
    };
  }

  const verifyStarted = performance.now();
  const verification = (await (await get("/api/v1/audit/verify")).json()) as Record<string, unknown>;
  const verifySeconds = seconds(verifyStarted);

  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
        parameters: { events: EVENTS, days: DAYS, requestsPerQuery: REQUESTS, warmUpRequests: WARM_UP, pageSize: 50 },
        seeding: { loadSeconds, indexSeconds, seqs: seeded },
        store: store.rows[0],
        latency,
        goal: "p95 < 500 ms",
        export: { filter: exportQuery, ...exports },
        verification: { seconds: verifySeconds, intact: verification.intact, throughSeq: verification.throughSeq ?? verification.brokenAtSeq },
      },
      null,
      2,
    ),
  );
} finally {
  await pool.end();
  await controlPlane.stop();
}
