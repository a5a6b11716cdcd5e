import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainVerdict, checkCheckpoint, checkpointKeyId, checkpointSignedBy, signCheckpoint, type CheckpointReference, type StoreAtCheckpoint } from "./checkpoint";

const HASH = "a".repeat(64);
const OTHER = "b".repeat(64);

describe("checkpoint signatures", () => {
  const checkpointKey = generateKeyPairSync("ed25519");
  const otherKey = generateKeyPairSync("ed25519");
  const checkpoint = { seq: 41, hash: HASH, count: 41, at: "2026-12-01T10:00:00.000Z", keyedFromSeq: 1, chainKeyId: "0123456789abcdef" };

  it("name the key they were made with and verify with it", () => {
    const signed = signCheckpoint(checkpoint, checkpointKey.privateKey, checkpointKeyId(checkpointKey.publicKey));
    expect(signed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(checkpointSignedBy(signed, checkpointKey.publicKey)).toBe(true);
  });

  it("do not verify with another key, even one the document names", () => {
    const signed = signCheckpoint(checkpoint, checkpointKey.privateKey, checkpointKeyId(checkpointKey.publicKey));
    expect(checkpointSignedBy(signed, otherKey.publicKey)).toBe(false);
    expect(checkpointSignedBy({ ...signed, keyId: checkpointKeyId(otherKey.publicKey) }, otherKey.publicKey)).toBe(false);
  });

  it("cover every field", () => {
    const signed = signCheckpoint(checkpoint, checkpointKey.privateKey, checkpointKeyId(checkpointKey.publicKey));
    for (const change of [{ seq: 42 }, { hash: OTHER }, { count: 40 }, { at: "2026-12-01T10:00:01.000Z" }, { keyedFromSeq: 2 }, { chainKeyId: "fedcba9876543210" }]) {
      expect(checkpointSignedBy({ ...signed, ...change }, checkpointKey.publicKey), JSON.stringify(change)).toBe(false);
    }
  });
});

const reference = (overrides: Partial<CheckpointReference> = {}): CheckpointReference => ({
  source: "file",
  seq: 100,
  hash: HASH,
  at: "2026-12-01T10:00:00.000Z",
  keyedFromSeq: 1,
  ...overrides,
});
const store = (overrides: Partial<StoreAtCheckpoint> = {}): StoreAtCheckpoint => ({
  headSeq: 120,
  keyedFromSeq: 1,
  hashAtSeq: HASH,
  provenThroughSeq: 0,
  firstRecordedAfterSeq: null,
  ...overrides,
});

describe("checkCheckpoint", () => {
  it("matches when the event at the seq still has the kept hash", () => {
    expect(checkCheckpoint(reference(), store())).toEqual({ source: "file", matches: true, seq: 100, expectedHash: HASH, foundHash: HASH });
  });

  it("places a removed tail right after the trail's new end", () => {
    const check = checkCheckpoint(reference(), store({ headSeq: 90, hashAtSeq: null }));
    expect(check).toMatchObject({ matches: false, foundHash: null, brokenAtSeq: 91 });
    expect(!check.matches && check.reason).toBe("event #100 is no longer in the trail: the trail ends at #90, so the events after it were removed");
  });

  it("places a removed tail that the chain went on without at the first event recorded after the checkpoint", () => {
    const removedThenAppended = checkCheckpoint(reference(), store({ headSeq: 95, hashAtSeq: null, firstRecordedAfterSeq: 91 }));
    expect(removedThenAppended).toMatchObject({ matches: false, brokenAtSeq: 91 });
    expect(!removedThenAppended.matches && removedThenAppended.reason).toMatch(/event #91 was recorded after the checkpoint was taken/);
    const pastIt = checkCheckpoint(reference(), store({ headSeq: 130, hashAtSeq: OTHER, firstRecordedAfterSeq: 91 }));
    expect(pastIt).toMatchObject({ matches: false, foundHash: OTHER, brokenAtSeq: 91 });
  });

  it("vouches for nothing past the last matching checkpoint when the covered events hash differently (re-hashed with the key)", () => {
    expect(checkCheckpoint(reference(), store({ hashAtSeq: OTHER }))).toMatchObject({ matches: false, brokenAtSeq: 1 });
    const bounded = checkCheckpoint(reference(), store({ hashAtSeq: OTHER, provenThroughSeq: 60 }));
    expect(bounded).toMatchObject({ matches: false, brokenAtSeq: 61 });
    expect(!bounded.matches && bounded.reason).toMatch(/events up to #60 still match an earlier checkpoint/);
  });

  it("never places a break before what an earlier checkpoint proves, nor after its own seq", () => {
    expect(checkCheckpoint(reference(), store({ hashAtSeq: null, headSeq: 40, provenThroughSeq: 60 }))).toMatchObject({ brokenAtSeq: 61 });
    expect(checkCheckpoint(reference({ seq: 100 }), store({ hashAtSeq: null, headSeq: 99, firstRecordedAfterSeq: null }))).toMatchObject({ brokenAtSeq: 100 });
  });

  it("reports a chain now keyed from elsewhere than when the checkpoint was taken", () => {
    const check = checkCheckpoint(reference({ keyedFromSeq: 5 }), store({ keyedFromSeq: 130 }));
    expect(check).toMatchObject({ matches: false, brokenAtSeq: 5 });
    expect(!check.matches && check.reason).toMatch(/keyed from #5, but it is now keyed from #130/);
  });
});

describe("chainVerdict", () => {
  const mismatch = (brokenAtSeq: number) => ({ source: "s3", matches: false as const, seq: 100, expectedHash: HASH, foundHash: null, brokenAtSeq, reason: "…" });
  const match = { source: "file", matches: true as const, seq: 50, expectedHash: HASH, foundHash: HASH };

  it("is intact when the walk and every checkpoint are", () => {
    expect(chainVerdict(null, [match])).toEqual({ intact: true });
  });

  it("names the last seq that verifies, not 0, for a checkpoint mismatch", () => {
    expect(chainVerdict(null, [match, mismatch(91)])).toEqual({ intact: false, brokenAtSeq: 91, problem: "checkpoint_mismatch", intactThroughSeq: 90 });
  });

  it("takes whichever break comes first, the walk's problem on a tie", () => {
    expect(chainVerdict({ brokenAtSeq: 7, problem: "hash_mismatch" }, [mismatch(91)])).toEqual({ intact: false, brokenAtSeq: 7, problem: "hash_mismatch", intactThroughSeq: 6 });
    expect(chainVerdict({ brokenAtSeq: 95, problem: "rehashed_without_key" }, [mismatch(91), mismatch(93)])).toMatchObject({ brokenAtSeq: 91, problem: "checkpoint_mismatch" });
    expect(chainVerdict({ brokenAtSeq: 91, problem: "truncated" }, [mismatch(91)])).toMatchObject({ brokenAtSeq: 91, problem: "truncated" });
  });
});
