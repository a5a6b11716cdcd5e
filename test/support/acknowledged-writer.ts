import pg from "pg";
import { writeRouteSchema } from "@/contracts/services";

export interface Acknowledged {
  id: number;
  /** The replica the write route named when the commit was acknowledged. */
  replica: string;
  at: number;
}

export interface LedgerCheck {
  acknowledged: number;
  present: number;
  /** Acknowledged ids the server does not hold. */
  lost: number[];
}

const STATEMENT_TIMEOUT_MS = 3_000;
const ROUTE_EVERY_MS = 250;

/**
 * An application writing to a service as users do: it asks the control
 * plane's write route where to write, inserts one row per transaction, and
 * records the id of every commit the server acknowledged. A write that
 * failed or timed out is not acknowledged (it may or may not have landed);
 * its id is never used again. What it acknowledged must all be on whichever
 * server becomes the primary.
 */
export class AcknowledgedWriter {
  readonly acknowledged: Acknowledged[] = [];
  failures = 0;
  private nextId = 1;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private endpoint: { replica: string; url: string } | null = null;

  constructor(
    private readonly options: {
      controlPlaneUrl: string;
      token: string;
      serviceId: string;
      user: string;
      password: string;
      table: string;
    },
  ) {}

  start(): void {
    this.loops = [this.followRoute(), this.write()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Acknowledged writes since `since` (ms since the epoch) on `replica`, if given. */
  count(since = 0, replica?: string): number {
    return this.acknowledged.filter((write) => write.at >= since && (replica === undefined || write.replica === replica)).length;
  }

  /** The longest time between two consecutive acknowledgements after `since`, in ms. */
  longestGap(since: number): number {
    const times = this.acknowledged.filter((write) => write.at >= since).map((write) => write.at);
    let longest = 0;
    for (let index = 1; index < times.length; index += 1) longest = Math.max(longest, times[index]! - times[index - 1]!);
    return longest;
  }

  /**
   * Which acknowledged ids `read` (a query on the server to check) does not
   * hold. Only writes acknowledged before the query started count: the
   * writer may go on, and what it commits after the query's snapshot is not
   * in it.
   */
  async check(read: (text: string) => Promise<{ id: string }[]>): Promise<LedgerCheck> {
    const acknowledged = [...this.acknowledged];
    const rows = await read(`SELECT id::text AS id FROM ${this.options.table}`);
    const present = new Set(rows.map((row) => Number(row.id)));
    const lost = acknowledged.filter((write) => !present.has(write.id)).map((write) => write.id);
    return { acknowledged: acknowledged.length, present: present.size, lost };
  }

  private async followRoute(): Promise<void> {
    while (!this.stopped) {
      try {
        const response = await fetch(`${this.options.controlPlaneUrl}/api/v1/services/${this.options.serviceId}/route`, {
          headers: { authorization: `Bearer ${this.options.token}` },
          signal: AbortSignal.timeout(2_000),
        });
        const route = writeRouteSchema.parse(await response.json());
        if (route.endpoint && route.writeReplica) {
          const url = new URL(route.endpoint);
          url.username = encodeURIComponent(this.options.user);
          url.password = encodeURIComponent(this.options.password);
          this.endpoint = { replica: route.writeReplica, url: url.toString() };
        }
      } catch {
        // The last route stands while the control plane does not answer.
      }
      await sleep(ROUTE_EVERY_MS);
    }
  }

  private async write(): Promise<void> {
    let client: pg.Client | null = null;
    let connectedTo: string | null = null;
    while (!this.stopped) {
      const endpoint = this.endpoint;
      if (!endpoint) {
        await sleep(50);
        continue;
      }
      try {
        if (!client || connectedTo !== endpoint.url) {
          await client?.end().catch(() => undefined);
          client = new pg.Client({ connectionString: endpoint.url, connectionTimeoutMillis: STATEMENT_TIMEOUT_MS, query_timeout: STATEMENT_TIMEOUT_MS, application_name: "byo-ledger-writer" });
          client.on("error", () => undefined);
          connectedTo = endpoint.url;
          await client.connect();
        }
        const id = this.nextId++;
        await client.query(`INSERT INTO ${this.options.table} (id) VALUES ($1)`, [id]);
        this.acknowledged.push({ id, replica: endpoint.replica, at: Date.now() });
        await sleep(20);
      } catch {
        this.failures += 1;
        await client?.end().catch(() => undefined);
        client = null;
        await sleep(100);
      }
    }
    await client?.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
