import { describe, expect, it } from "vitest";
import type { LoopProgressFacts } from "../loops/loop-stall";
import { auditTrailFacts } from "./publication-health";

const now = new Date("2026-12-05T10:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const progress = (extra: Partial<LoopProgressFacts> = {}): LoopProgressFacts => ({
  holder: "host:1:audit-checkpoints",
  lastPassAt: ago(30_000),
  lastPassMs: 12,
  lastErrorAt: null,
  lastError: null,
  failures: {},
  ...extra,
});
const every = { wanted: true, intervalMs: 60_000 };

describe("auditTrailFacts", () => {
  it("is quiet while rounds complete within three intervals", () => {
    expect(auditTrailFacts(progress(), every, now)).toEqual({ broken: null, unpublished: null });
    expect(auditTrailFacts(progress({ lastPassAt: ago(180_000) }), every, now)).toEqual({ broken: null, unpublished: null });
  });

  it("says when no round completed for longer, or none ever did", () => {
    expect(auditTrailFacts(progress({ lastPassAt: ago(181_000) }), every, now).unpublished).toBe("No audit checkpoint round has completed for 3 min (one is due every 60 s).");
    expect(auditTrailFacts(null, every, now).unpublished).toBe("No control-plane copy has published an audit checkpoint yet.");
  });

  it("names each sink that refused the last checkpoint, and broken settings", () => {
    const facts = auditTrailFacts(progress({ failures: { s3: "PUT /b/latest.json was refused: 403 SignatureDoesNotMatch", settings: "SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK: x is not an http(s) URL" } }), every, now);
    expect(facts.unpublished).toBe(
      "Audit checkpoints are not being published off the box (settings: SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK: x is not an http(s) URL; s3: PUT /b/latest.json was refused: 403 SignatureDoesNotMatch).",
    );
  });

  it("passes on a broken chain, which also stops publishing", () => {
    const broken = "The audit chain breaks at #12 (hash_mismatch); it verifies through #11 only.";
    expect(auditTrailFacts(progress({ failures: { chain: broken } }), every, now)).toEqual({
      broken,
      unpublished: "Audit checkpoints are not being published off the box: the chain does not verify, so no checkpoint vouches for it.",
    });
  });

  it("with no sink configured, says nothing of publishing but still of a chain found broken", () => {
    expect(auditTrailFacts(null, { wanted: false, intervalMs: 60_000 }, now)).toEqual({ broken: null, unpublished: null });
    expect(auditTrailFacts(progress({ failures: { chain: "broken" } }), { wanted: false, intervalMs: 60_000 }, now).broken).toBe("broken");
  });
});
