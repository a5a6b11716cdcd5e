import type pg from "pg";
import { errorMessage } from "../error-message";
import { connectWithin } from "../pg-client";
import { upstreamClient, upstreamConnectMs, type Upstream } from "./upstream-security";

/** Where a primary's history left each older timeline: `TIMELINE_HISTORY`'s lines, `<timeline>\t<lsn>\t<reason>`. */
export function switchPoints(history: string): Map<number, bigint> {
  const points = new Map<number, bigint>();
  for (const line of history.split("\n")) {
    const match = /^\s*(\d+)\s+([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)/.exec(line);
    if (match) points.set(Number(match[1]), (BigInt(`0x${match[2]}`) << 32n) + BigInt(`0x${match[3]}`));
  }
  return points;
}

/**
 * Whether a standby on `localTimeline` that holds WAL up to `localLsn` can
 * follow a primary on `primaryTimeline` with this history: only if it has
 * nothing the primary's history left behind, i.e. its timeline is the
 * primary's, or one the primary forked from at or after `localLsn`. Returns
 * why not, or null.
 */
export function forkProblem(localTimeline: number, localLsn: bigint, primaryTimeline: number, history: string): string | null {
  if (localTimeline === primaryTimeline) return null;
  if (localTimeline > primaryTimeline) return `it is on timeline ${localTimeline}, newer than the primary's ${primaryTimeline}`;
  const forkedAt = switchPoints(history).get(localTimeline);
  if (forkedAt === undefined) return `the primary's history on timeline ${primaryTimeline} does not pass through timeline ${localTimeline}`;
  if (localLsn > forkedAt) return `it holds WAL up to ${localLsn} on timeline ${localTimeline}, past ${forkedAt} where the primary's timeline ${primaryTimeline} forked from it`;
  return null;
}

/** The primary's timeline and its history file, over a replication connection (IDENTIFY_SYSTEM, TIMELINE_HISTORY). */
export async function primaryHistory(upstream: Upstream, timeoutMs: number): Promise<{ timeline: number; history: string }> {
  const client = upstreamClient(upstream, { replication: true, applicationName: "switchyard-agent-repoint", timeoutMs });
  client.on("error", () => undefined);
  try {
    await connectWithin(client, upstreamConnectMs(timeoutMs), "connection");
    const identity = await client.query<{ timeline: string }>("IDENTIFY_SYSTEM");
    const timeline = Number(identity.rows[0]?.timeline);
    if (!Number.isInteger(timeline) || timeline < 1) throw new Error("IDENTIFY_SYSTEM reported no timeline");
    if (timeline === 1) return { timeline, history: "" };
    const history = await client.query<{ content: string | Buffer }>(`TIMELINE_HISTORY ${timeline}`);
    const content = history.rows[0]?.content;
    return { timeline, history: Buffer.isBuffer(content) ? content.toString("utf8") : String(content ?? "") };
  } catch (error) {
    throw new Error(`reading the timeline history of ${upstream.host}:${upstream.port}: ${errorMessage(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A standby's timeline and the furthest WAL it received or replayed; null
 * before any. Its timeline is the newest it holds WAL segments of: a history
 * file alone proves nothing (a WAL receiver fetches the primary's history as
 * soon as it connects, even when it then cannot follow it).
 */
export async function localPosition(client: pg.Client): Promise<{ timeline: number; lsn: bigint } | null> {
  const { rows } = await client.query<{ timeline: number; lsn: string | null }>(
    `SELECT coalesce((SELECT max(('x' || substr(name, 1, 8))::bit(32)::int) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}([.]partial)?$'), 1) AS timeline,
            (greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) - '0/0')::text AS lsn`,
  );
  const row = rows[0];
  return row?.lsn ? { timeline: row.timeline, lsn: BigInt(row.lsn) } : null;
}
