import { describe, expect, it } from "vitest";
import { decideRewind, type RewindFacts } from "./rewind-guard";

const source: RewindFacts["source"] = { address: "10.0.0.2:5432", inRecovery: false, timeline: 3 };
const fencedPrimary: RewindFacts["local"] = { running: true, inRecovery: false, acceptsWrites: false, timeline: 2, receiver: null };
const facts = (local: RewindFacts["local"], from = source): RewindFacts => ({ replica: "pg-us-east-1", source: from, local });

describe("decideRewind", () => {
  it("rewinds a fenced former primary on an older timeline", () => {
    expect(decideRewind(facts(fencedPrimary))).toEqual({ action: "rewind" });
  });

  it("rewinds a former primary that is down (killed), judged by its folder's newest timeline", () => {
    expect(decideRewind(facts({ running: false, standbyFolder: false, timeline: 2 }))).toEqual({ action: "rewind" });
  });

  it("refuses to follow a standby", () => {
    const decision = decideRewind(facts(fencedPrimary, { address: "10.0.0.3:5432", inRecovery: true, timeline: null }));
    expect(decision).toEqual({ action: "refuse", reason: "10.0.0.3:5432 is a standby; pg-us-east-1 can only be made to follow a primary" });
  });

  it("refuses to discard a primary that still accepts writes", () => {
    const decision = decideRewind(facts({ ...fencedPrimary, acceptsWrites: true }));
    expect(decision).toEqual({ action: "refuse", reason: "pg-us-east-1 is a primary that still accepts writes: fence it before its history is discarded" });
  });

  it.each([
    ["running, same timeline", { ...fencedPrimary, timeline: 3 }],
    ["running, newer timeline", { ...fencedPrimary, timeline: 4 }],
    ["stopped, same timeline", { running: false, standbyFolder: false, timeline: 3 } as const],
  ])("refuses to discard a primary that is not older than the source (%s)", (_, local) => {
    const decision = decideRewind(facts(local));
    expect(decision.action).toBe("refuse");
    expect(decision).toMatchObject({ reason: expect.stringContaining("a person must decide which primary is the real one") });
  });

  it("does nothing to a standby that already streams from the source on its timeline", () => {
    const local = { running: true, inRecovery: true, acceptsWrites: false, timeline: 3, receiver: { address: source.address, status: "streaming", timeline: 3 } } as const;
    expect(decideRewind(facts(local))).toEqual({ action: "following", timeline: 3 });
  });

  it.each([
    ["another upstream", { address: "10.0.0.9:5432", status: "streaming", timeline: 3 }],
    ["an older timeline", { address: source.address, status: "streaming", timeline: 2 }],
    ["a receiver that is not streaming", { address: source.address, status: "waiting", timeline: 3 }],
  ])("re-clones a standby that follows %s", (_, receiver) => {
    const local = { running: true, inRecovery: true, acceptsWrites: false, timeline: 3, receiver } as const;
    expect(decideRewind(facts(local))).toEqual({ action: "rewind" });
  });

  it("re-clones a stopped standby folder whatever its timeline", () => {
    expect(decideRewind(facts({ running: false, standbyFolder: true, timeline: 3 }))).toEqual({ action: "rewind" });
  });
});
