import { describe, expect, it } from "vitest";
import type { AuditVerification } from "@/contracts/audit";
import { renderVerification } from "./audit";

const common = { keyedFromSeq: 1, chainKeyId: "0123456789abcdef", verifiedAt: "2026-12-05T10:00:00.000Z" };

describe("audit verify output", () => {
  it("names the break, the last intact seq and each published checkpoint, and what could not be read", () => {
    const result: AuditVerification = {
      intact: false,
      brokenAtSeq: 91,
      problem: "checkpoint_mismatch",
      intactThroughSeq: 90,
      ...common,
      published: {
        compared: [{ source: "file", seq: 100, expectedHash: "a".repeat(64), foundHash: null, matches: false, brokenAtSeq: 91, reason: "event #100 is no longer in the trail" }],
        rejected: [{ source: "file", reason: "the checkpoint at #120 has a signature that does not verify" }],
        unreadable: [{ source: "s3", reason: "https://s3.example/b/: GET /b/latest.json was refused: 403 AccessDenied" }],
      },
    };
    expect(renderVerification(result).split("\n")).toEqual([
      "BROKEN at #91 (checkpoint_mismatch); intact through #90, verified 2026-12-05 10:00:00Z",
      "keyed from #1 (chain key 0123456789abcdef)",
      "published (file) #100: does not match — event #100 is no longer in the trail",
      "s3 could not be read: https://s3.example/b/: GET /b/latest.json was refused: 403 AccessDenied",
      "file: the checkpoint at #120 has a signature that does not verify (ignored)",
    ]);
  });

  it("says an intact chain matches the checkpoints compared", () => {
    const result: AuditVerification = {
      intact: true,
      throughSeq: 120,
      count: 120,
      lastHash: "b".repeat(64),
      ...common,
      published: { compared: [{ source: "file", seq: 118, expectedHash: "c".repeat(64), foundHash: "c".repeat(64), matches: true }], rejected: [], unreadable: [] },
    };
    expect(renderVerification(result)).toBe("Intact through #120 (120 events), verified 2026-12-05 10:00:00Z\nkeyed from #1 (chain key 0123456789abcdef)\npublished (file) #118: matches");
  });
});
