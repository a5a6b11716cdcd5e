import pg from "pg";
import type { JsonValue } from "@/core/audit/canonical-json";
import type { ChainedAuditEvent } from "@/core/audit/chain";
import { ownerDatabaseUrl } from "./sql";

/** Every column an event is hashed over, plus its links (never the generated search vector). */
const COLUMNS = `seq, at, "actorType", "actorId", "actorLabel", "sourceIp", action, "targetType", "targetId", "serviceId", outcome, reason,
  before, after, details, "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", hash`;

/**
 * Runs `run` as whoever can write the store (its owner or a superuser, or a
 * stolen backup restored with changes): the append-only trigger turned off
 * for the while. The control plane's own role cannot do this. No chain key:
 * that lives outside the store.
 */
export async function asStoreWriter<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    try {
      return await run(client);
    } finally {
      await client.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    }
  } finally {
    await client.end();
  }
}

interface Row extends Omit<ChainedAuditEvent, "seq"> {
  seq: string;
}

async function rowsFrom(client: pg.Client, seq: bigint): Promise<ChainedAuditEvent[]> {
  const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM "AuditEvent" WHERE seq >= $1 ORDER BY seq`, [seq.toString()]);
  return rows.map((row) => ({ ...row, seq: BigInt(row.seq), before: row.before as JsonValue, after: row.after as JsonValue, details: row.details as JsonValue }));
}

async function writeRows(client: pg.Client, events: readonly ChainedAuditEvent[]): Promise<void> {
  await client.query(`INSERT INTO "AuditEvent" (${COLUMNS}) SELECT ${COLUMNS} FROM jsonb_populate_recordset(NULL::"AuditEvent", $1::jsonb)`, [
    JSON.stringify(events.map((event) => ({ ...event, seq: event.seq.toString() }))),
  ]);
}

/** Adds events as they are given, hashes and all. */
export async function insertEvents(events: readonly ChainedAuditEvent[]): Promise<void> {
  await asStoreWriter((client) => writeRows(client, events));
}

/**
 * Edits the event at `seq` and recomputes every hash from it on (through
 * `throughSeq`, else to the end) with `rehash`, so that the chain links up
 * again: the covering-up of a rewrite.
 */
export async function rewriteChain(
  seq: bigint,
  edit: (event: ChainedAuditEvent) => ChainedAuditEvent,
  rehash: (prevHash: string, event: ChainedAuditEvent) => string,
  throughSeq?: bigint,
): Promise<void> {
  await asStoreWriter(async (client) => {
    const [first, ...rest] = (await rowsFrom(client, seq)).filter((event) => throughSeq === undefined || event.seq <= throughSeq);
    let prevHash = first!.prevHash;
    const rewritten: ChainedAuditEvent[] = [];
    for (const event of [edit(first!), ...rest]) {
      const hash = rehash(prevHash, { ...event, prevHash });
      rewritten.push({ ...event, prevHash, hash });
      prevHash = hash;
    }
    await client.query(`DELETE FROM "AuditEvent" WHERE seq >= $1 AND seq <= $2`, [seq.toString(), rewritten.at(-1)!.seq.toString()]);
    await writeRows(client, rewritten);
  });
}

/** Removes every event after `seq`. */
export async function deleteAfter(seq: bigint): Promise<void> {
  await asStoreWriter((client) => client.query(`DELETE FROM "AuditEvent" WHERE seq > $1`, [seq.toString()]));
}

/** The chain as it is now, and a way to put it back exactly (between tests that tamper with it). */
export async function snapshotChain(): Promise<() => Promise<void>> {
  const saved = await asStoreWriter((client) => rowsFrom(client, 1n));
  return () =>
    asStoreWriter(async (client) => {
      await client.query(`DELETE FROM "AuditEvent"`);
      await writeRows(client, saved);
    });
}
