import { describe, expect, it } from "vitest";
import { lapseToRecord } from "./lease-lapse";
import { ago, healthySnapshot, NOW, primaryLost } from "@/test/fixtures/automation-snapshot";

describe("a lapse of the primary's lease the control plane records", () => {
  it("is recorded once the lease lapsed, margin included, with the moment it ended", () => {
    // Silent 9 s, witnesses failing for 8 s: the lease ends at the latest failure start + 1 s vouch allowance + 5 s.
    const lost = primaryLost(9_000, 8_000);
    expect(lapseToRecord(lost, NOW)).toEqual({
      replicaId: "p",
      replicaName: "pg-us-east-1",
      renewedAt: ago(9_000),
      endedAt: ago(2_000),
      sentence: expect.stringMatching(/^nothing renewed pg-us-east-1's lease: pg-us-east-1's lease \(5 s, last renewed at .+\) lapses, with the margin, at .+; from 2025-06-01T02:59:58.000Z it must be assumed fenced by its agent or dead$/),
    });
  });

  it("is not recorded before the margin has passed, while a witness may still renew it, or while it is renewed", () => {
    expect(lapseToRecord(primaryLost(9_000, 6_200), NOW)).toBeNull();
    const oneStillReaches = primaryLost(9_000, 8_000);
    oneStillReaches.witnesses = oneStillReaches.witnesses.map((link, index) => (link.toReplicaId === "p" && index === 2 ? { ...link, reachable: true, unreachableSince: null } : link));
    expect(lapseToRecord(oneStillReaches, NOW)).toBeNull();
    expect(lapseToRecord(healthySnapshot(), NOW)).toBeNull();
  });

  it("is recorded once per grant, and never for a primary that was never granted one", () => {
    const lost = primaryLost(9_000, 8_000);
    expect(lapseToRecord({ ...lost, primaryLease: { ...lost.primaryLease!, lapseRecordedAt: ago(100) } }, NOW)).toBeNull();
    expect(lapseToRecord({ ...lost, primaryLease: null }, NOW)).toBeNull();
    expect(lapseToRecord({ ...lost, writeReplicaId: null }, NOW)).toBeNull();
  });
});
