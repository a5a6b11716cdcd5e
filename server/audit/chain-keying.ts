import "server-only";
import { CHAIN_KEYED_ACTION, chainKeyOf, isChainKeyedEvent, type ChainHead, type ChainKey, type ChainKeying } from "@/core/audit/chain";
import type { JsonValue } from "@/core/audit/canonical-json";
import type { Db } from "../db/client";
import type { Tx } from "../db/transaction";
import { loadOrCreateKeyFile } from "../keys/key-files";

// Any constant works; it only has to be the same in every control-plane copy.
const AUDIT_APPEND_LOCK = 0x5357_4144; // "SWAD"

/** Serialises appends to the chain (and the decision where it is keyed from) across every control-plane copy, until the transaction ends. */
export async function lockAuditChain(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK}::bigint)`;
}

/** The key the chain's hashes are made with, from the key folder (never the store). */
export function auditChainKey(): ChainKey {
  return chainKeyOf(Buffer.from(loadOrCreateKeyFile("audit-chain"), "utf8"));
}

// Where each key's chain is keyed from never changes once written, so it is read once per key and process.
const globalForKeying = globalThis as unknown as { switchyardKeyedFrom?: Map<string, bigint> };

/**
 * Where the chain is keyed from, decided once and kept beside the key, outside
 * the store: whoever can rewrite the store can neither move it back (to pass
 * keyed events off as unkeyed ones) nor forward. The first decision is made
 * holding the append lock: at the store's own keyed event if it has one,
 * else right after its head, where the next append writes that event.
 */
async function keyedFromSeq(tx: Tx, key: ChainKey, head: ChainHead | null): Promise<bigint> {
  const known = globalForKeying.switchyardKeyedFrom?.get(key.id);
  if (known !== undefined) return known;
  const stored = await tx.auditEvent.findFirst({ where: { action: CHAIN_KEYED_ACTION }, orderBy: { seq: "asc" } });
  const candidate =
    stored && isChainKeyedEvent({ ...stored, before: stored.before as JsonValue, after: stored.after as JsonValue, details: stored.details as JsonValue }, key)
      ? stored.seq
      : (head?.seq ?? 0n) + 1n;
  const recorded = loadOrCreateKeyFile("audit-chain-keyed-from", () => candidate.toString());
  if (!/^[1-9][0-9]*$/.test(recorded)) throw new Error(`The key file audit-chain-keyed-from holds ${JSON.stringify(recorded)}, not a sequence number.`);
  const seq = BigInt(recorded);
  (globalForKeying.switchyardKeyedFrom ??= new Map()).set(key.id, seq);
  return seq;
}

/**
 * The chain's keying as seen by an append holding the lock (the key read
 * before taking it, so no file is read under it), and whether this append
 * starts the keyed part (the chain ends right before it).
 */
export async function chainKeyingForAppend(tx: Tx, key: ChainKey, head: ChainHead | null): Promise<{ keying: ChainKeying; startsKeyedPart: boolean }> {
  const keying = { key, keyedFromSeq: await keyedFromSeq(tx, key, head) };
  return { keying, startsKeyedPart: (head?.seq ?? 0n) + 1n === keying.keyedFromSeq };
}

/** The chain's keying, for a verification. */
export async function auditChainKeying(client: Db): Promise<ChainKeying> {
  const key = auditChainKey();
  return client.$transaction(async (tx) => {
    await lockAuditChain(tx);
    const head = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    return (await chainKeyingForAppend(tx, key, head)).keying;
  });
}
