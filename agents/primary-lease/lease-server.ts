/**
 * What the lease keeper needs of its local server, whatever the engine
 * (PostgreSQL: postgres-lease-server.ts, MariaDB:
 * agents/mariadb/mariadb-lease-server.ts): its role and read-only state with
 * the server's clock at each read, the witnesses' vouches that reached it,
 * and the fence and its undoing. The decision (decideLease) and everything
 * the keeper does with it stay the same for every engine.
 */

export interface ServerState {
  role: "primary" | "standby";
  /** New transactions are refused writes (PostgreSQL's default_transaction_read_only, MariaDB's read_only). */
  readOnly: boolean;
}

/** A vouch as it reached the server (the signed payload) and when, on the keeper's monotonic clock (ms). */
export type VouchListener = (payload: string | undefined, arrivedAt: number) => void;

export type SelfFenceResult =
  | {
      fenced: true;
      /** The end of what the server wrote, in the engine's terms (an LSN, a GTID position). */
      finalPosition: string;
      terminatedSessions: number;
      /** Writes were refused already (a standby, an earlier fence, or a setting nobody here made): the fence is not the keeper's own. */
      wasReadOnly: boolean;
    }
  | { fenced: false; problem: string };

/** `calledOff`: `unless` gave `problem` as its reason, and nothing was changed. */
export type UnfenceResult = { unfenced: true } | { unfenced: false; problem: string; calledOff: boolean };

export interface LeaseServer {
  /** The server as it is now, or null when it cannot be read; vouches that arrived are handed to the listener. */
  read(): Promise<ServerState | null>;
  /** Why the last read failed, if it did. */
  readonly error: string | null;
  /** A moment on the monotonic clock (ms) on the server's clock (µs since the epoch); null before the first read. */
  serverTimeUs(monotonicMs: number): number | null;
  /** The inverse of serverTimeUs. */
  monotonicMs(serverUs: number): number | null;
  /**
   * Tells the witnesses whether this primary wants their vouches now
   * (core/agents/vouch-demand.ts); a server that cannot tell them is vouched
   * for every probe.
   */
  askForVouches(ask: boolean): Promise<void>;
  /** Writes refused and every client session ended, in the turn the engine's fence commands share. */
  fence(): Promise<SelfFenceResult>;
  /** Writes allowed again, unless `unless`, asked in that same turn, gives a reason not to. */
  unfence(unless: () => string | null): Promise<UnfenceResult>;
  close(): Promise<void>;
}

/** Opens the keeper's server: `onVouch` hears the vouches, on the keeper's `monotonic` clock. */
export type LeaseServerFactory = (onVouch: VouchListener, monotonic: () => number) => LeaseServer;
