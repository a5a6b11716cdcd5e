import { describe, expect, it } from "vitest";
import { SEMI_SYNC_STANDBY_RULES, semiSyncStandbyRule, type SemiSyncStandbyFacts } from "./semi-sync-standby";

/** The lab's sessions-db: semi-sync on, one semi-sync replica connected and acknowledging. */
const sole: SemiSyncStandbyFacts = { primaryActive: true, clients: 1, acknowledging: true, acknowledgingConnected: 1 };

const decide = (facts: Partial<SemiSyncStandbyFacts>) => semiSyncStandbyRule({ ...sole, ...facts });

describe("whether a MariaDB replica is a synchronous standby", () => {
  it("is sync when it is the primary's only semi-sync client and acknowledges", () => {
    expect(decide({})).toMatchObject({ id: "sole-acknowledging-replica", syncState: "sync" });
  });

  it("is async for every replica once the primary waits for none (semi-sync off, or fallen back after its timeout), even one that acknowledges", () => {
    expect(decide({ primaryActive: false })).toMatchObject({ id: "primary-not-waiting", syncState: "async" });
    expect(decide({ primaryActive: false, clients: 0, acknowledging: null })).toMatchObject({ id: "primary-not-waiting", syncState: "async" });
  });

  it("is unknown when its own semi-sync status could not be read", () => {
    expect(decide({ acknowledging: null, acknowledgingConnected: 0 })).toMatchObject({ id: "replica-status-unread", syncState: null });
  });

  it("is async when it does not acknowledge, whoever else does", () => {
    expect(decide({ acknowledging: false })).toMatchObject({ id: "replica-not-acknowledging", syncState: "async" });
    expect(decide({ acknowledging: false, clients: 2, acknowledgingConnected: 2 })).toMatchObject({ id: "replica-not-acknowledging", syncState: "async" });
  });

  it("is quorum among several semi-sync clients: the first acknowledgement is enough, so a commit may be on another one only", () => {
    expect(decide({ clients: 2, acknowledgingConnected: 2 })).toMatchObject({ id: "one-of-several-acknowledging", syncState: "quorum" });
    // The other client's status was not read: still one of two.
    expect(decide({ clients: 2, acknowledgingConnected: 1 })).toMatchObject({ id: "one-of-several-acknowledging", syncState: "quorum" });
  });

  it("is unknown while the primary's count and the replicas' disagree (one connecting or leaving)", () => {
    expect(decide({ clients: 1, acknowledgingConnected: 2 })).toMatchObject({ id: "counts-disagree", syncState: null });
    expect(decide({ clients: 0, acknowledgingConnected: 1 })).toMatchObject({ id: "counts-disagree", syncState: null });
    expect(decide({ clients: 2, acknowledgingConnected: 3 })).toMatchObject({ id: "counts-disagree", syncState: null });
  });

  it("is a well-formed table: unique ids, a sentence each, and a last row that always matches", () => {
    const ids = SEMI_SYNC_STANDBY_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of SEMI_SYNC_STANDBY_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(SEMI_SYNC_STANDBY_RULES.at(-1)!.when({ primaryActive: true, clients: 7, acknowledging: true, acknowledgingConnected: 0 })).toBe(true);
    expect(SEMI_SYNC_STANDBY_RULES.find((rule) => rule.syncState === "sync")!.id).toBe("sole-acknowledging-replica");
  });
});
