import pg from "pg";

/** One write the server acknowledged (COMMIT returned), and which server did. */
export interface PortWrite {
  id: number;
  /** The server's own port (inet_server_port()), which names the lab replica. */
  serverPort: number;
  sentAt: number;
  acknowledgedAt: number;
}

/** A stretch in which writes through the port failed: from the last acknowledgement before it to the first after it. */
export interface WriteOutage {
  lastBefore: number;
  firstFailureAt: number;
  firstAfter: number;
  failures: number;
  /** The distinct errors seen, first occurrence first (connection refused, terminated, read-only…). */
  errors: string[];
}

/** A write stuck behind a missing synchronous standby is given up after this long; it is then not acknowledged. */
const WRITE_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 2_000;
const RETRY_MS = 25;

/**
 * An application that knows one address, a load balancer's write port, and
 * nothing of the topology: it inserts one row per transaction over one
 * connection, reconnects on any error, and records every write the server
 * acknowledged with the server that did (`inet_server_port()`, also stored
 * in the row). A failed write is not acknowledged (it may or may not have
 * landed); its id is never used again.
 */
export class WritePortClient {
  readonly acknowledged: PortWrite[] = [];
  readonly failures: { at: number; error: string }[] = [];
  private nextId = 1;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: { host: string; port: number; database: string; user: string; password: string; table: string }) {}

  /** The ledger table, created on the primary (directly) before the client starts. */
  static tableDefinition(table: string): string {
    return `CREATE TABLE IF NOT EXISTS ${table} (id bigint PRIMARY KEY, server_port int NOT NULL)`;
  }

  start(): void {
    this.loop = this.write();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** The stretches in which writes failed, each bounded by acknowledgements (an outage still going at the end is left out). */
  outages(): WriteOutage[] {
    const outages: WriteOutage[] = [];
    for (const failure of this.failures) {
      const lastBefore = this.acknowledged.findLast((write) => write.acknowledgedAt <= failure.at);
      const firstAfter = this.acknowledged.find((write) => write.acknowledgedAt > failure.at);
      if (!firstAfter) continue;
      const current = outages.at(-1);
      if (current && current.firstAfter === firstAfter.acknowledgedAt) {
        current.failures++;
        if (!current.errors.includes(failure.error)) current.errors.push(failure.error);
      } else {
        outages.push({ lastBefore: lastBefore?.acknowledgedAt ?? failure.at, firstFailureAt: failure.at, firstAfter: firstAfter.acknowledgedAt, failures: 1, errors: [failure.error] });
      }
    }
    return outages;
  }

  private async write(): Promise<void> {
    let client: pg.Client | null = null;
    while (!this.stopped) {
      try {
        if (!client) {
          client = new pg.Client({ ...this.options, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: WRITE_TIMEOUT_MS, application_name: "write-port-client" });
          client.on("error", () => undefined);
          await client.connect();
        }
        const id = this.nextId++;
        const sentAt = Date.now();
        const { rows } = await client.query<{ port: number }>(`INSERT INTO ${this.options.table} (id, server_port) VALUES ($1, inet_server_port()) RETURNING server_port AS port`, [id]);
        this.acknowledged.push({ id, serverPort: rows[0]!.port, sentAt, acknowledgedAt: Date.now() });
      } catch (error) {
        this.failures.push({ at: Date.now(), error: (error as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, "<address>") });
        await client?.end().catch(() => undefined);
        client = null;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    await client?.end().catch(() => undefined);
  }
}

/** One stretch of the write route: who it named, under which epoch, from when we first saw it. */
export interface RouteSegment {
  writeReplica: string | null;
  epoch: number;
  firstSeenAt: number;
}

/**
 * The write route asked every `everyMs`, kept as the segments it went
 * through. A segment began after the previous question was asked and by the
 * time the one that first saw it was: `slackMs`, the longest time between
 * two questions answered in a row, bounds how early it may have begun.
 */
export function watchRoute(read: () => Promise<{ writeReplica: string | null; epoch: number }>, everyMs = 100): { segments: RouteSegment[]; slackMs(): number; stop(): Promise<void> } {
  const segments: RouteSegment[] = [];
  let longestGap = 0;
  let lastAskedAt: number | null = null;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const askedAt = Date.now();
      const route = await read().catch(() => null);
      // An unanswered question leaves the gap open: the uncertainty spans it.
      if (route) {
        if (lastAskedAt !== null) longestGap = Math.max(longestGap, askedAt - lastAskedAt);
        lastAskedAt = askedAt;
        const current = segments.at(-1);
        if (!current || current.writeReplica !== route.writeReplica || current.epoch !== route.epoch) segments.push({ ...route, firstSeenAt: askedAt });
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    segments,
    slackMs: () => longestGap,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Writes acknowledged by a server that was not the write replica at the
 * time: each write must have been acknowledged while the route named its
 * server, that is within [a segment's first sighting − slack, the next
 * segment's first sighting] for a segment naming it.
 */
export function writesOffRoute(writes: readonly PortWrite[], replicaOfPort: (port: number) => string, segments: readonly RouteSegment[], slackMs: number): (PortWrite & { server: string })[] {
  return writes
    .map((write) => ({ ...write, server: replicaOfPort(write.serverPort) }))
    .filter((write) => {
      const during = segments.some((segment, index) => {
        const next = segments[index + 1];
        return segment.writeReplica === write.server && write.acknowledgedAt >= segment.firstSeenAt - slackMs && (!next || write.sentAt <= next.firstSeenAt);
      });
      return !during;
    });
}
