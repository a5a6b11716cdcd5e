import { describe, expect, it } from "vitest";
import {
  CHAIN_START,
  chainAuditEvent,
  chainAuditEvents,
  GENESIS_HASH,
  hashAuditEvent,
  verifyAuditSegment,
  type AuditEventBody,
  type ChainedAuditEvent,
} from "./chain";

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

function chain(length: number): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  for (let n = 1; n <= length; n++) events.push(chainAuditEvent(events.at(-1) ?? null, body(n)));
  return events;
}

describe("audit hash chain", () => {
  it("starts from the genesis hash at sequence 1 and links every event to the one before", () => {
    const events = chain(4);
    expect(events.map((event) => event.seq)).toEqual([1n, 2n, 3n, 4n]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
  });

  it("links several events at once exactly as one at a time, after the head given", () => {
    const one = chain(5);
    const [head, ...rest] = one;
    expect(chainAuditEvents(head!, [2, 3, 4, 5].map(body))).toEqual(rest);
    expect(chainAuditEvents(null, [1, 2, 3, 4, 5].map(body))).toEqual(one);
    expect(verifyAuditSegment(chainAuditEvents(null, [1, 2, 3].map(body)), CHAIN_START)).toMatchObject({ intact: true, cursor: { seq: 3n, count: 3 } });
    expect(chainAuditEvents(head!, [])).toEqual([]);
  });

  it("hashes SHA-256 of the previous hash and the event, as 64 hex digits", () => {
    const [first] = chain(1);
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEvent(GENESIS_HASH, first!)).toBe(first?.hash);
  });

  it("does not depend on the key order of stored JSON (jsonb reorders keys)", () => {
    const [first] = chain(1);
    const reordered = { ...first!, after: { n: 1, roles: ["viewer", "operator"] } };
    expect(hashAuditEvent(first!.prevHash, reordered)).toBe(first!.hash);
  });

  it("changes when any field changes", () => {
    const [first] = chain(1);
    const variants: Partial<AuditEventBody>[] = [
      { seq: 2n },
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
      expect(hashAuditEvent(first!.prevHash, { ...first!, ...change }), JSON.stringify(change, (_, v) => (typeof v === "bigint" ? `${v}` : v))).not.toBe(first!.hash);
    }
  });

  it("verifies an untouched chain as intact through its last event", () => {
    const events = chain(5);
    expect(verifyAuditSegment(events, CHAIN_START)).toEqual({ intact: true, cursor: { seq: 5n, hash: events[4]!.hash, count: 5 } });
  });

  it("verifies an empty chain as intact through 0", () => {
    expect(verifyAuditSegment([], CHAIN_START)).toEqual({ intact: true, cursor: CHAIN_START });
  });

  it("continues across segments, as the store is walked in batches", () => {
    const events = chain(6);
    const firstHalf = verifyAuditSegment(events.slice(0, 3), CHAIN_START);
    expect(firstHalf.intact).toBe(true);
    const secondHalf = verifyAuditSegment(events.slice(3), firstHalf.cursor);
    expect(secondHalf).toEqual({ intact: true, cursor: { seq: 6n, hash: events[5]!.hash, count: 6 } });
  });

  it("detects an edited event at its own sequence number", () => {
    const events = chain(5);
    events[2] = { ...events[2]!, reason: "nothing to see here" };
    const result = verifyAuditSegment(events, CHAIN_START);
    expect(result).toMatchObject({ intact: false, brokenAtSeq: 3n, problem: "hash_mismatch", cursor: { seq: 2n } });
  });

  it("detects an edited event whose hash was recomputed, at the next event", () => {
    const events = chain(5);
    const forged = { ...events[2]!, after: { roles: ["admin"], n: 3 } };
    events[2] = { ...forged, hash: hashAuditEvent(forged.prevHash, forged) };
    const result = verifyAuditSegment(events, CHAIN_START);
    expect(result).toMatchObject({ intact: false, brokenAtSeq: 4n, problem: "link_mismatch", cursor: { seq: 3n } });
  });

  it("detects a removed event as a gap at the missing sequence number", () => {
    const events = chain(5);
    events.splice(1, 1);
    const result = verifyAuditSegment(events, CHAIN_START);
    expect(result).toMatchObject({ intact: false, brokenAtSeq: 2n, problem: "sequence_gap", cursor: { seq: 1n } });
  });

  it("detects an event inserted with a forged link", () => {
    const events = chain(3);
    const intruder = chainAuditEvent({ seq: 1n, hash: "f".repeat(64) }, body(9));
    const result = verifyAuditSegment([events[0]!, intruder, events[2]!], CHAIN_START);
    expect(result).toMatchObject({ intact: false, brokenAtSeq: 2n, problem: "link_mismatch" });
  });
});
