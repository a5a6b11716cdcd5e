import "server-only";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { CanaryAttempt } from "@/core/drills/canary";
import { writeRoute } from "../fleet/write-route";
import type { CanaryCredentials } from "./canary-credentials";

/** Five writes a second: enough to time an outage to a fraction of a second, little enough to weigh nothing. */
const WRITE_EVERY_MS = 200;
const TIMEOUT_MS = 2_000;
/** A drill left running is not written to forever: about an hour of attempts. */
const MAX_ATTEMPTS = 18_000;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS switchyard_drill_canary (
  id text PRIMARY KEY, drill_id text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`;

interface Target {
  replica: string;
  host: string;
  port: number;
  database: string;
}

async function targetOf(serviceId: string, credentials: CanaryCredentials): Promise<Target | null> {
  const route = await writeRoute(serviceId);
  if (!route.endpoint || !route.writeReplica) return null;
  const url = new URL(route.endpoint);
  return { replica: route.writeReplica, host: url.hostname, port: Number(url.port || 5432), database: credentials.database ?? decodeURIComponent(url.pathname.slice(1)) };
}

const sameTarget = (a: Target | null, b: Target | null) => !!a && !!b && a.host === b.host && a.port === b.port && a.database === b.database;

/**
 * A drill's canary: writes a small row at a steady rate into
 * `switchyard_drill_canary` on whatever replica the service's write route
 * names (it reads the route before every write, as a client following it
 * would), and keeps the ledger of every attempt and whether it was
 * acknowledged. At the end, `present` reads back which rows the final
 * primary holds.
 */
export class CanaryWriter {
  readonly attempts: CanaryAttempt[] = [];
  readonly startedAt = new Date();
  private client: pg.Client | null = null;
  private target: Target | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private sequence = 0;

  constructor(
    readonly drillId: string,
    private readonly serviceId: string,
    private readonly credentials: CanaryCredentials,
    private readonly log: (line: string) => void,
  ) {}

  get acknowledged(): number {
    return this.attempts.filter((attempt) => attempt.acknowledged).length;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.disconnect();
  }

  /** The ids of this drill's rows that the replica the route names now holds; removes them after reading, so the table stays small. */
  async present(): Promise<Set<string>> {
    const target = await targetOf(this.serviceId, this.credentials);
    if (!target) throw new Error("the write route names no replica to check the canary's writes on");
    const client = this.clientFor(target);
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM switchyard_drill_canary WHERE drill_id = $1", [this.drillId]);
      await client.query("DELETE FROM switchyard_drill_canary WHERE drill_id = $1", [this.drillId]).catch(() => undefined);
      return new Set(rows.map((row) => row.id));
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private clientFor(target: Target): pg.Client {
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      database: target.database,
      user: this.credentials.user,
      password: this.credentials.password,
      application_name: "switchyard-drill-canary",
      connectionTimeoutMillis: TIMEOUT_MS,
      query_timeout: TIMEOUT_MS,
    });
    // A server that goes away fails the next write, not the process.
    client.on("error", () => undefined);
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.attempts.length < MAX_ATTEMPTS) {
      const began = Date.now();
      await this.writeOnce();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, WRITE_EVERY_MS - (Date.now() - began))));
    }
  }

  private async writeOnce(): Promise<void> {
    const id = `${this.drillId}:${++this.sequence}:${randomUUID().slice(0, 8)}`;
    const at = new Date();
    let replica: string | null = this.target?.replica ?? null;
    try {
      const target = await targetOf(this.serviceId, this.credentials);
      if (!sameTarget(target, this.target)) {
        if (this.target && target) this.log(`drill ${this.drillId}: the canary follows the write route from ${this.target.replica} to ${target.replica}`);
        await this.disconnect();
        this.target = target;
      }
      replica = target?.replica ?? null;
      if (!target) throw new Error("the write route names no replica");
      if (!this.client) {
        const client = this.clientFor(target);
        await client.connect();
        this.client = client;
        await client.query(CREATE_TABLE).catch(() => undefined);
      }
      await this.client.query("INSERT INTO switchyard_drill_canary (id, drill_id) VALUES ($1, $2)", [id, this.drillId]);
      this.attempts.push({ id, at, replica, acknowledged: true });
    } catch {
      this.attempts.push({ id, at, replica, acknowledged: false });
      // A refused write may mean a fenced or dead server: the next write connects again.
      await this.disconnect();
    }
  }
}
