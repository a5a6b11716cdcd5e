import { describe, expect, it } from "vitest";
import {
  CHAIN_KEYED_ACTION,
  CHAIN_START,
  chainAuditEvent,
  chainAuditEvents,
  chainKeyedEventBody,
  chainKeyOf,
  GENESIS_HASH,
  keyedAuditHash,
  unkeyedAuditHash,
  verifyAuditSegment,
  verifyChainEnd,
  type AuditEventBody,
  type ChainedAuditEvent,
  type ChainKeying,
} from "./chain";

const KEY = chainKeyOf(Buffer.from("the chain key, kept outside the store"));
const OTHER_KEY = chainKeyOf(Buffer.from("a key someone guessed"));
/** A chain keyed from its first event, as a fresh install's is. */
const KEYED: ChainKeying = { key: KEY, keyedFromSeq: 1n };

function body(n: number): Omit<AuditEventBody, "seq"> {
  return {
    at: new Date(Date.UTC(2026, 10, 26, 4, 0, n)),
    actorType: "user",
    actorId: `user-${n % 3}`,
    actorLabel: `person${n % 3}@example.com`,
    sourceIp: "10.0.0.1",
    action: n % 2 ? "user.update" : "token.issue",
    targetType: "user",
    targetId: `target-${n}`,
    serviceId: null,
    outcome: "success",
    reason: n === 2 ? "on-call rotation" : null,
    before: n === 1 ? null : { roles: ["viewer"] },
    after: { roles: ["viewer", "operator"], n },
    details: null,
    runId: null,
    stepRunId: null,
    policyVersionId: null,
    changeRequestId: null,
  };
}

/** The keyed event, then `length - 1` events. */
function chain(length: number): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [chainAuditEvent(KEY, null, chainKeyedEventBody(KEY, 0n, body(0).at))];
  for (let n = 2; n <= length; n++) events.push(chainAuditEvent(KEY, events.at(-1)!, body(n)));
  return events;
}

/** Whoever can write the store but does not hold the key: re-hashes from `index` on with `rehash`. */
function rehashed(events: ChainedAuditEvent[], index: number, rehash: (prevHash: string, event: ChainedAuditEvent) => string): ChainedAuditEvent[] {
  const out = events.slice(0, index);
  for (const event of events.slice(index)) {
    const prevHash = out.at(-1)?.hash ?? GENESIS_HASH;
    out.push({ ...event, prevHash, hash: rehash(prevHash, { ...event, prevHash }) });
  }
  return out;
}

describe("audit hash chain", () => {
  it("starts from the genesis hash at sequence 1 with the keyed event, and links every event to the one before", () => {
    const events = chain(4);
    expect(events.map((event) => event.seq)).toEqual([1n, 2n, 3n, 4n]);
    expect(events[0]).toMatchObject({ prevHash: GENESIS_HASH, action: CHAIN_KEYED_ACTION, details: { keyId: KEY.id, unkeyedThroughSeq: "0" } });
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
  });

  it("links several events at once exactly as one at a time, after the head given", () => {
    const one = chain(5);
    const [head, ...rest] = one;
    expect(chainAuditEvents(KEY, head!, [2, 3, 4, 5].map(body))).toEqual(rest);
    expect(verifyAuditSegment(one, CHAIN_START, KEYED)).toMatchObject({ intact: true, cursor: { seq: 5n, count: 5 } });
    expect(chainAuditEvents(KEY, head!, [])).toEqual([]);
  });

  it("hashes HMAC-SHA-256 with the chain key of the previous hash and the event, as 64 hex digits: not plain SHA-256, not another key's", () => {
    const [, second] = chain(2);
    expect(second?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedAuditHash(KEY, second!.prevHash, second!)).toBe(second?.hash);
    expect(unkeyedAuditHash(second!.prevHash, second!)).not.toBe(second?.hash);
    expect(keyedAuditHash(OTHER_KEY, second!.prevHash, second!)).not.toBe(second?.hash);
  });

  it("names the key by an id that is not the key", () => {
    expect(KEY.id).toMatch(/^[0-9a-f]{16}$/);
    expect(KEY.id).not.toBe(OTHER_KEY.id);
    expect(KEY.secret.toString("hex")).not.toContain(KEY.id);
  });

  it("does not depend on the key order of stored JSON (jsonb reorders keys)", () => {
    const [, second] = chain(2);
    const reordered = { ...second!, after: { n: 2, roles: ["viewer", "operator"] } };
    expect(keyedAuditHash(KEY, second!.prevHash, reordered)).toBe(second!.hash);
  });

  it("changes when any field changes", () => {
    const [, first] = chain(2);
    const variants: Partial<AuditEventBody>[] = [
      { seq: 3n },
      { at: new Date(first!.at.getTime() + 1) },
      { actorType: "system" },
      { actorId: "someone-else" },
      { actorLabel: "x" },
      { sourceIp: null },
      { action: "user.create" },
      { targetType: "api_token" },
      { targetId: "other" },
      { serviceId: "orders-db" },
      { outcome: "failure" },
      { reason: "because" },
      { before: { roles: [] } },
      { after: { roles: ["admin"], n: 1 } },
      { details: { note: 1 } },
      { runId: "r" },
      { stepRunId: "s" },
      { policyVersionId: "p" },
      { changeRequestId: "c" },
    ];
    for (const change of variants) {
      expect(keyedAuditHash(KEY, first!.prevHash, { ...first!, ...change }), JSON.stringify(change, (_, v) => (typeof v === "bigint" ? `${v}` : v))).not.toBe(first!.hash);
    }
  });

  it("verifies an untouched chain as intact through its last event", () => {
    const events = chain(5);
    expect(verifyAuditSegment(events, CHAIN_START, KEYED)).toEqual({ intact: true, cursor: { seq: 5n, hash: events[4]!.hash, count: 5 } });
  });

  it("verifies an empty chain as intact through 0", () => {
    expect(verifyAuditSegment([], CHAIN_START, KEYED)).toEqual({ intact: true, cursor: CHAIN_START });
    expect(verifyChainEnd(CHAIN_START, KEYED)).toEqual({ intact: true, cursor: CHAIN_START });
  });

  it("continues across segments, as the store is walked in batches", () => {
    const events = chain(6);
    const firstHalf = verifyAuditSegment(events.slice(0, 3), CHAIN_START, KEYED);
    expect(firstHalf.intact).toBe(true);
    const secondHalf = verifyAuditSegment(events.slice(3), firstHalf.cursor, KEYED);
    expect(secondHalf).toEqual({ intact: true, cursor: { seq: 6n, hash: events[5]!.hash, count: 6 } });
  });

  it("detects an edited event at its own sequence number", () => {
    const events = chain(5);
    events[2] = { ...events[2]!, reason: "nothing to see here" };
    expect(verifyAuditSegment(events, CHAIN_START, KEYED)).toMatchObject({ intact: false, brokenAtSeq: 3n, problem: "hash_mismatch", cursor: { seq: 2n } });
  });

  it("catches a store writer who edits an event and re-hashes the chain from it with plain SHA-256, at the edited event", () => {
    const events = chain(6);
    events[2] = { ...events[2]!, after: { roles: ["admin"], n: 3 } };
    const forged = rehashed(events, 2, (prevHash, event) => unkeyedAuditHash(prevHash, event));
    expect(forged.slice(3).every((event, index) => event.prevHash === forged[index + 2]!.hash)).toBe(true);
    expect(verifyAuditSegment(forged, CHAIN_START, KEYED)).toMatchObject({ intact: false, brokenAtSeq: 3n, problem: "rehashed_without_key", cursor: { seq: 2n } });
  });

  it("catches one who re-hashes with a key of their own, at the edited event", () => {
    const events = chain(6);
    events[3] = { ...events[3]!, actorLabel: "someone else" };
    const forged = rehashed(events, 3, (prevHash, event) => keyedAuditHash(OTHER_KEY, prevHash, event));
    expect(verifyAuditSegment(forged, CHAIN_START, KEYED)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "hash_mismatch", cursor: { seq: 3n } });
  });

  it("detects a removed event as a gap at the missing sequence number", () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(verifyAuditSegment(events, CHAIN_START, KEYED)).toMatchObject({ intact: false, brokenAtSeq: 2n, problem: "sequence_gap", cursor: { seq: 1n } });
  });

  it("detects an event inserted with a forged link", () => {
    const events = chain(3);
    const intruder = chainAuditEvent(KEY, { seq: 1n, hash: "f".repeat(64) }, body(9));
    expect(verifyAuditSegment([events[0]!, intruder, events[2]!], CHAIN_START, KEYED)).toMatchObject({ intact: false, brokenAtSeq: 2n, problem: "link_mismatch" });
  });
});

describe("a chain begun before it had a key", () => {
  /** Three events hashed with the old rule, then the keyed event at #4, then two keyed events. */
  function upgraded(): ChainedAuditEvent[] {
    const events: ChainedAuditEvent[] = [];
    for (let n = 1; n <= 3; n++) {
      const prevHash = events.at(-1)?.hash ?? GENESIS_HASH;
      const full = { ...body(n), seq: BigInt(n) };
      events.push({ ...full, prevHash, hash: unkeyedAuditHash(prevHash, full) });
    }
    events.push(chainAuditEvent(KEY, events.at(-1)!, chainKeyedEventBody(KEY, 3n, body(4).at)));
    for (let n = 5; n <= 6; n++) events.push(chainAuditEvent(KEY, events.at(-1)!, body(n)));
    return events;
  }
  const FROM_4: ChainKeying = { key: KEY, keyedFromSeq: 4n };

  it("verifies the events before the keyed one with the old rule and the rest with the key", () => {
    const events = upgraded();
    expect(events[3]).toMatchObject({ action: CHAIN_KEYED_ACTION, details: { unkeyedThroughSeq: "3" } });
    expect(verifyAuditSegment(events, CHAIN_START, FROM_4)).toMatchObject({ intact: true, cursor: { seq: 6n } });
  });

  it("exposes an unkeyed event rewritten and re-hashed at the keyed event, whose keyed hash covers the old head", () => {
    const events = upgraded();
    events[1] = { ...events[1]!, reason: "rewritten" };
    const forged = [...rehashed(events.slice(0, 3), 1, (prevHash, event) => unkeyedAuditHash(prevHash, event)), ...events.slice(3)];
    expect(verifyAuditSegment(forged, CHAIN_START, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "link_mismatch" });
  });

  it("refuses a downgrade: the keyed event and everything after it re-hashed with the old rule", () => {
    const events = upgraded();
    events[4] = { ...events[4]!, reason: "rewritten" };
    const downgraded = rehashed(events, 3, (prevHash, event) => unkeyedAuditHash(prevHash, event));
    expect(verifyAuditSegment(downgraded, CHAIN_START, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "not_keyed" });
    const renamed = rehashed([...events.slice(0, 3), { ...events[3]!, action: "user.update" }, ...events.slice(4)], 3, (prevHash, event) => unkeyedAuditHash(prevHash, event));
    expect(verifyAuditSegment(renamed, CHAIN_START, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "not_keyed" });
  });

  it("refuses, at the keyed position, a keyed event made with another key or naming another key", () => {
    const events = upgraded();
    const foreign = chainAuditEvent(OTHER_KEY, events[2]!, chainKeyedEventBody(OTHER_KEY, 3n, body(4).at));
    expect(verifyAuditSegment([...events.slice(0, 3), foreign], CHAIN_START, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "not_keyed" });
    const misnamed = chainAuditEvent(KEY, events[2]!, chainKeyedEventBody(OTHER_KEY, 3n, body(4).at));
    expect(verifyAuditSegment([...events.slice(0, 3), misnamed], CHAIN_START, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "not_keyed" });
  });

  it("may end right before its keyed event (not written yet), but not earlier: that is a removed tail", () => {
    const events = upgraded();
    const before = verifyAuditSegment(events.slice(0, 3), CHAIN_START, FROM_4);
    expect(before.intact).toBe(true);
    expect(verifyChainEnd(before.cursor, FROM_4)).toMatchObject({ intact: true });
    const shorter = verifyAuditSegment(events.slice(0, 2), CHAIN_START, FROM_4);
    expect(verifyChainEnd(shorter.cursor, FROM_4)).toMatchObject({ intact: false, brokenAtSeq: 3n, problem: "truncated", cursor: { seq: 2n } });
  });
});
