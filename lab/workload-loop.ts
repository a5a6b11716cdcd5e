import { randomBytes } from "node:crypto";
import type pg from "pg";
import { LedgerWriter } from "./ledger";
import { ledgerFile } from "./paths";
import { clientFor, closeClient } from "./sql";
import { requireLabState } from "./state";
import { LAB_SERVICE_ID, labService, type WorkloadTables } from "./topology";
import { describeEndpoint, fixedEndpoint, sameEndpoint, WriteEndpointWatcher, type ControlPlane, type EndpointSource, type WriteEndpoint } from "./write-endpoint";

export interface WorkloadOptions {
  dataDir: string;
  /** The service written to, with its own ledger; default orders-db. */
  serviceId?: string;
  /** Writes per second. */
  rate: number;
  controlPlane?: ControlPlane;
  /** Write here and nowhere else (HAProxy's write port), instead of following the write route. */
  through?: WriteEndpoint;
  log: (line: string) => void;
  /** Ends the workload; the write in flight is abandoned (and so not in the ledger). */
  signal: AbortSignal;
  summaryEveryMs?: number;
}

export interface WorkloadTotals {
  acknowledged: number;
  errors: number;
}

/**
 * A write stuck behind a paused primary or an absent synchronous standby is
 * given up after this long (or at once when the endpoint moves). There is
 * deliberately no statement_timeout: cancelling a COMMIT that waits for the
 * synchronous standby makes PostgreSQL report success for a write that was
 * never replicated.
 */
const WRITE_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 2_000;
const BACKOFF_MS = [100, 200, 400, 800, 1_000];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

interface Connection {
  client: pg.Client;
  endpoint: WriteEndpoint;
  /** Set when the server warned that a COMMIT stopped waiting for the synchronous standby. */
  unreplicatedCommit: boolean;
}

/**
 * Writes `rate` transactions per second to the service's current write
 * endpoint until aborted. Each one inserts a new row in the strong table (an
 * order, a payment) and its event in the eventual one;
 * its id goes to the ledger only once COMMIT returned (with synchronous_commit
 * on: after the synchronous standby has it). Failures never stop the loop:
 * it drops the connection, backs off briefly and reconnects to wherever the
 * endpoint is then.
 */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadTotals> {
  const { dataDir, log, signal } = options;
  const serviceId = options.serviceId ?? LAB_SERVICE_ID;
  const { tables } = labService(serviceId);
  if (!(options.rate > 0)) throw new Error(`the workload rate must be a positive number of writes per second, not ${options.rate}`);
  const { password } = await requireLabState(dataDir);
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const ledger = new LedgerWriter(ledgerFile(dataDir, serviceId));
  const totals: WorkloadTotals = { acknowledged: 0, errors: 0 };
  let connection: Connection | null = null;
  const drop = () => {
    if (connection) void closeClient(connection.client, 0);
    connection = null;
  };
  const watcher: EndpointSource = options.through
    ? fixedEndpoint(options.through)
    : new WriteEndpointWatcher(dataDir, serviceId, options.controlPlane, log, (endpoint) => {
        if (connection && !sameEndpoint(connection.endpoint, endpoint)) drop();
      });
  signal.addEventListener("abort", drop, { once: true });

  const summaryEveryMs = options.summaryEveryMs ?? 60_000;
  let window = { started: Date.now(), acknowledged: 0, errors: 0 };
  const summary = setInterval(() => {
    const seconds = (Date.now() - window.started) / 1000;
    const target = watcher.current ? describeEndpoint(watcher.current) : "no endpoint";
    log(`${(window.acknowledged / seconds).toFixed(1)} writes/s, ${window.errors} errors in the last ${seconds.toFixed(0)} s; ${totals.acknowledged} acknowledged in total; writing to ${target}`);
    window = { started: Date.now(), acknowledged: 0, errors: 0 };
  }, summaryEveryMs);

  let outage: { since: number; failures: number } | null = null;
  const intervalMs = 1000 / options.rate;
  let counter = 0;
  let due = performance.now();
  try {
    await watcher.start();
    log(`run ${runId}: ${options.rate} writes/s to ${watcher.current ? describeEndpoint(watcher.current) : "(resolving)"}, ledger ${ledgerFile(dataDir, serviceId)}`);
    while (!signal.aborted) {
      await sleep(due - performance.now(), signal);
      // Falling behind (an outage) does not turn into a burst afterwards.
      due = Math.max(due + intervalMs, performance.now() - intervalMs);
      if (signal.aborted) break;
      try {
        const endpoint = watcher.current;
        if (!endpoint) throw new Error("no write endpoint known yet");
        if (connection && !sameEndpoint(connection.endpoint, endpoint)) drop();
        if (!connection) connection = await connect(endpoint, password);
        const id = `${runId}-${++counter}`;
        await writeOne(connection, tables, id);
        ledger.append(id);
        totals.acknowledged++;
        window.acknowledged++;
        if (outage) {
          log(`writing again to ${describeEndpoint(endpoint)} after ${((Date.now() - outage.since) / 1000).toFixed(1)} s and ${outage.failures} failed attempts`);
          outage = null;
        }
      } catch (error) {
        drop();
        if (signal.aborted) break;
        totals.errors++;
        window.errors++;
        if (!outage) {
          outage = { since: Date.now(), failures: 0 };
          log(`write failed: ${(error as Error).message}; retrying`);
        }
        const backoff = BACKOFF_MS[Math.min(outage.failures, BACKOFF_MS.length - 1)] ?? 1_000;
        outage.failures++;
        await sleep(backoff, signal);
        due = performance.now();
      }
    }
  } finally {
    clearInterval(summary);
    watcher.stop();
    drop();
    ledger.close();
  }
  log(`stopped: ${totals.acknowledged} acknowledged, ${totals.errors} errors`);
  return totals;
}

async function connect(endpoint: WriteEndpoint, password: string): Promise<Connection> {
  const client = clientFor(
    { host: endpoint.host, port: endpoint.port, database: endpoint.database, password },
    { applicationName: "switchyard-lab-workload", connectTimeoutMs: CONNECT_TIMEOUT_MS, queryTimeoutMs: WRITE_TIMEOUT_MS },
  );
  const connection: Connection = { client, endpoint, unreplicatedCommit: false };
  client.on("error", () => undefined);
  client.on("notice", (notice) => {
    if (/synchronous replication/i.test(notice.message ?? "")) connection.unreplicatedCommit = true;
  });
  try {
    await client.connect();
  } catch (error) {
    void closeClient(client, 0);
    throw error;
  }
  return connection;
}

async function writeOne(connection: Connection, tables: WorkloadTables, id: string): Promise<void> {
  const { client } = connection;
  connection.unreplicatedCommit = false;
  await client.query("BEGIN");
  await client.query(`INSERT INTO ${tables.strong} (id, payload) VALUES ($1, $2)`, [id, `${tables.strong} ${id}`]);
  await client.query(`INSERT INTO ${tables.events} (${tables.reference}, event) VALUES ($1, 'created')`, [id]);
  await client.query("COMMIT");
  if (connection.unreplicatedCommit) throw new Error(`COMMIT of ${id} returned without the synchronous standby's confirmation`);
}
