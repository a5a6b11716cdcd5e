import type pg from "pg";
import { errorMessage } from "../../error-message";
import { connectWithin } from "../../pg-client";
import { upstreamClient, upstreamConnectMs, type Upstream } from "../upstream-security";
import { TarExtractor, type FileOwner } from "./tar-extractor";

export type { Upstream } from "../upstream-security";

export interface BaseBackup {
  /** Bytes of file content written. */
  bytes: number;
  files: number;
  startLsn: string;
  endLsn: string;
  timeline: number;
}

interface Message {
  fields?: (string | null)[];
  chunk?: Buffer;
}

/**
 * BASE_BACKUP over a replication connection (PostgreSQL 15 and later), the
 * way pg_basebackup takes one, for machines that have no pg_basebackup: a
 * result set with the start position, one with the tablespaces, the archive
 * as CopyData messages ('n' a new archive, 'd' its data, 'p' progress), then
 * the end position. pg's client hands a submittable every message of the
 * exchange, which is all this needs.
 */
class BaseBackupExchange {
  readonly resultSets: (string | null)[][][] = [[]];
  private failure: Error | null = null;
  private archive: TarExtractor | null = null;
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: Error) => void };

  constructor(
    private readonly text: string,
    private readonly target: string,
    private readonly owner: FileOwner | null,
    private readonly onFailure: () => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  get extractor(): TarExtractor | null {
    return this.archive;
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleRowDescription(): void {}

  handleDataRow(message: Message): void {
    this.resultSets.at(-1)!.push(message.fields ?? []);
  }

  handleCommandComplete(): void {
    this.resultSets.push([]);
  }

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleCopyData(message: Message): void {
    if (this.failure || !message.chunk) return;
    try {
      this.copyData(message.chunk);
    } catch (error) {
      // The server would go on sending gigabytes; closing the connection stops it.
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.archive?.abandon();
      this.onFailure();
    }
  }

  handleError(error: Error): void {
    this.archive?.abandon();
    this.settle.reject(this.failure ?? error);
  }

  handleReadyForQuery(): void {
    if (this.failure) return this.settle.reject(this.failure);
    try {
      this.archive?.end();
    } catch (error) {
      return this.settle.reject(error as Error);
    }
    if (!this.archive) return this.settle.reject(new Error("the server sent no archive"));
    this.settle.resolve();
  }

  private copyData(chunk: Buffer): void {
    const type = String.fromCharCode(chunk[0] ?? 0);
    if (type === "n") {
      const [name = "", location = ""] = chunk.subarray(1).toString("utf8").split("\0");
      if (location) throw new Error(`the primary has a tablespace at ${location} (archive ${name}), which the agent's base backup does not support`);
      if (this.archive) throw new Error(`the server sent a second archive (${name}) without a tablespace`);
      this.archive = new TarExtractor(this.target, this.owner);
    } else if (type === "d") {
      if (!this.archive) throw new Error("the server sent archive data before naming the archive");
      this.archive.write(chunk.subarray(1));
    } else if (type === "m") {
      throw new Error("the server sent a backup manifest, which was not asked for");
    } else if (type !== "p") {
      throw new Error(`unknown BASE_BACKUP message type ${JSON.stringify(type)}`);
    }
  }
}

/**
 * Copies the upstream's data folder into `target` (an empty folder) with
 * the WAL needed to make it consistent, so that a server started on it with
 * standby.signal replays to the end of the backup and then streams. The
 * checkpoint is fast: the former primary is fenced while this runs. Over
 * TLS as `upstream.tls` says, never answering a cleartext password request.
 */
export async function takeBaseBackup(upstream: Upstream, target: string, owner: FileOwner | null, label: string, timeoutMs: number): Promise<BaseBackup> {
  const client = upstreamClient(upstream, { replication: true, applicationName: "switchyard-agent-rewind", timeoutMs });
  let connectionError: Error | null = null;
  client.on("error", (error) => {
    connectionError = error;
  });
  const destroy = () => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  const quoted = label.replaceAll("'", "''");
  const exchange = new BaseBackupExchange(
    `BASE_BACKUP (LABEL '${quoted}', CHECKPOINT 'fast', WAL true, WAIT true, MANIFEST 'no')`,
    target,
    owner,
    destroy,
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await connectWithin(client, upstreamConnectMs(timeoutMs), "connection");
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        destroy();
        reject(new Error(`the base backup from ${upstream.host}:${upstream.port} took longer than ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
    });
    client.query(exchange as unknown as pg.Submittable);
    await Promise.race([exchange.done, timedOut]);
  } catch (error) {
    throw new Error(`base backup from ${upstream.host}:${upstream.port}: ${errorMessage(connectionError ?? error)}`);
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => {});
  }
  // Result sets: the start position, the tablespaces, then (after the archive) the end position.
  const [start] = exchange.resultSets[0] ?? [];
  const [end] = exchange.resultSets[2] ?? [];
  if (!start?.[0] || !end?.[0]) throw new Error("the server did not report the backup's start and end positions");
  return {
    bytes: exchange.extractor?.bytes ?? 0,
    files: exchange.extractor?.files ?? 0,
    startLsn: start[0],
    endLsn: end[0],
    timeline: Number(end[1]),
  };
}
