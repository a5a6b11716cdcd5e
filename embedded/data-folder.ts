import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/** A folder PostgreSQL starts as a standby: it holds standby.signal. */
export function isStandbyFolder(pgdata: string): boolean {
  return existsSync(path.join(pgdata, "standby.signal"));
}

/**
 * A data folder's newest timeline: each promotion writes `<timeline>.history`
 * into pg_wal, and those files are never recycled.
 */
export function newestTimeline(pgdata: string): number {
  const wal = path.join(pgdata, "pg_wal");
  const timelines = existsSync(wal)
    ? readdirSync(wal)
        .filter((name) => /^[0-9A-F]{8}\.history$/.test(name))
        .map((name) => Number.parseInt(name.slice(0, 8), 16))
    : [];
  return Math.max(1, ...timelines);
}
