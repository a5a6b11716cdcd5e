import path from "node:path";
import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "@/agents/mariadb/client";
import { errorMessage } from "@/agents/error-message";
import { CopiesClient } from "@/client/copies";
import { LedgerWriter, readLedger } from "../ledger";
import { labDir } from "../paths";
import { endpointFromControlPlane, type ControlPlane } from "../write-endpoint";
import { SESSIONS_DB } from "./sessions-topology";

/** sessions-db's ledger of acknowledged writes, beside the PostgreSQL services' (`ledger/sessions.log`). */
export const sessionsLedgerFile = (dataDir: string) => path.join(labDir(dataDir), "ledger", `${SESSIONS_DB.database}.log`);

export interface SessionsEndpoint {
  replicaName: string;
  port: number;
}

/**
 * The lab's writes to sessions-db: an INSERT of a new id every 1/rate s on
 * the server the control plane's write route names (polled every second;
 * the last answer stands while it cannot be asked), its id appended to the
 * ledger only once the commit was acknowledged. A semi-synchronous primary
 * acknowledges a commit only once a replica has it, so every id in the
 * ledger must survive a failover (design rule no-acknowledged-write-lost).
 */
export class SessionsWorkload {
  private endpoint: SessionsEndpoint | null;
  private connection: MariadbConnection | null = null;
  private connectedTo: string | null = null;
  private readonly ledger: LedgerWriter;
  private readonly copies: CopiesClient | null;
  private running = false;
  private loop: Promise<void> | null = null;
  private routeTimer: NodeJS.Timeout | undefined;
  private failing: string | null = null;
  private sequence = 0;
  acknowledged = 0;

  constructor(
    private readonly options: {
      dataDir: string;
      /** The application user's connection string for a port. */
      urlFor: (port: number) => string;
      initial: SessionsEndpoint | null;
      controlPlane?: ControlPlane;
      rate: number;
      log: (line: string) => void;
    },
  ) {
    this.endpoint = options.initial;
    this.ledger = new LedgerWriter(sessionsLedgerFile(options.dataDir));
    this.copies = options.controlPlane ? new CopiesClient(options.controlPlane.url, options.controlPlane.token) : null;
  }

  get current(): SessionsEndpoint | null {
    return this.endpoint;
  }

  start(): void {
    this.running = true;
    if (this.copies) this.routeTimer = setInterval(() => void this.followRoute(), 1_000);
    this.loop = this.writeLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.routeTimer);
    await this.loop;
    await this.disconnect();
    this.ledger.close();
  }

  private async followRoute(): Promise<void> {
    try {
      const route = await endpointFromControlPlane(this.copies!, SESSIONS_DB.id);
      if (route && (route.replicaName !== this.endpoint?.replicaName || route.port !== this.endpoint.port)) {
        this.options.log(`sessions-db workload: the write route moved to ${route.replicaName} (port ${route.port})`);
        this.endpoint = { replicaName: route.replicaName, port: route.port };
      }
    } catch {
      // The last route stands while the control plane cannot be asked.
    }
  }

  private async writeLoop(): Promise<void> {
    const intervalMs = 1000 / this.options.rate;
    while (this.running) {
      const started = Date.now();
      await this.writeOne();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
    }
  }

  private async writeOne(): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    // Unique across restarts of the workload: the start's milliseconds, then a counter.
    const id = `${Date.now()}${String(this.sequence++ % 1000).padStart(3, "0")}`;
    try {
      const connection = await this.connectionTo(endpoint);
      await rowsOf(connection, `INSERT INTO ${SESSIONS_DB.table} (id, payload) VALUES (?, ?)`, 5_000, [id, `session ${id}`]);
      this.ledger.append(id);
      this.acknowledged += 1;
      if (this.failing) this.options.log(`sessions-db workload: writing again on ${endpoint.replicaName}`);
      this.failing = null;
    } catch (error) {
      const message = errorMessage(error);
      if (this.failing !== message) this.options.log(`sessions-db workload: a write on ${endpoint.replicaName} failed (${message}); retrying`);
      this.failing = message;
      await this.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async connectionTo(endpoint: SessionsEndpoint): Promise<MariadbConnection> {
    const url = this.options.urlFor(endpoint.port);
    if (this.connection && this.connectedTo === url) return this.connection;
    await this.disconnect();
    this.connection = await connectMariadb(url, 3_000);
    this.connectedTo = url;
    return this.connection;
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.connectedTo = null;
    if (connection) await closeMariadb(connection);
  }
}

export interface SessionsLedgerCheck {
  /** Distinct ids in the ledger. */
  acknowledged: number;
  /** Ledger ids the server does not have: acknowledged writes lost. */
  missing: string[];
}

/** The ledger against one server's table (the primary's after a failover). */
export async function verifySessionsLedger(dataDir: string, url: string): Promise<SessionsLedgerCheck> {
  const ledger = new Set(await readLedger(sessionsLedgerFile(dataDir)));
  const connection = await connectMariadb(url, 10_000);
  try {
    const rows = await rowsOf<{ id: string }>(connection, `SELECT id FROM ${SESSIONS_DB.table}`, 60_000);
    const stored = new Set(rows.map((row) => String(row.id)));
    return { acknowledged: ledger.size, missing: [...ledger].filter((id) => !stored.has(id)) };
  } finally {
    await closeMariadb(connection);
  }
}
