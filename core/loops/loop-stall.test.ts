import { describe, expect, it } from "vitest";
import { loopStall, type LoopProgressFacts, notDecidedSentence, stallAfterMs, STALL_AFTER_INTERVALS } from "./loop-stall";

const now = new Date("2026-12-03T10:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const progress = (lastPassAt: Date | null, extra: Partial<LoopProgressFacts> = {}): LoopProgressFacts => ({
  holder: "host:1:automation",
  lastPassAt,
  lastPassMs: 40,
  lastErrorAt: null,
  lastError: null,
  failures: {},
  ...extra,
});

describe("loopStall", () => {
  it("gives each loop ten of its intervals to complete a pass", () => {
    expect(STALL_AFTER_INTERVALS).toBe(10);
    expect(stallAfterMs("decider")).toBe(5_000);
    expect(stallAfterMs("alerting")).toBe(10_000);
    expect(stallAfterMs("paging")).toBe(50_000);
  });

  it("is no stall while the last complete pass is within that time, up to its edge", () => {
    expect(loopStall("decider", progress(ago(300)), now)).toBeNull();
    expect(loopStall("decider", progress(ago(5_000)), now)).toBeNull();
    expect(loopStall("alerting", progress(ago(9_999)), now)).toBeNull();
  });

  it("is a stall past it, saying since when, what it means and the last error", () => {
    const stall = loopStall("decider", progress(ago(5_001), { lastErrorAt: ago(1_000), lastError: "lost the decider lease mid-pass" }), now);
    expect(stall).toEqual({
      loop: "decider",
      lastPassAt: ago(5_001),
      sentence: "The decider has stopped: its last complete pass ended 5 s ago, so automatic failover is not being decided; last error 1 s ago: lost the decider lease mid-pass.",
    });
    expect(loopStall("alerting", progress(ago(12_000)), now)?.sentence).toBe("The alert evaluator has stopped: its last complete pass ended 12 s ago, so alerts are not being evaluated.");
    expect(loopStall("paging", progress(ago(49_000)), now)).toBeNull();
    expect(loopStall("paging", progress(ago(61_000)), now)?.sentence).toBe("The paging loop has stopped: its last complete pass ended 61 s ago, so nobody on call is being paged or escalated to.");
  });

  it("is a stall when no pass ever completed, or nothing was ever written", () => {
    expect(loopStall("decider", progress(null), now)?.sentence).toMatch(/no control-plane copy has completed a pass yet/);
    expect(loopStall("decider", null, now)?.lastPassAt).toBeNull();
  });
});

describe("notDecidedSentence", () => {
  it("is null for a service the running decider decided", () => {
    expect(notDecidedSentence(progress(ago(500), { failures: { "billing-db": "deciding failed: boom" } }), "orders-db", now)).toBeNull();
  });

  it("names the failure of the last pass for the one service it could not decide", () => {
    expect(notDecidedSentence(progress(ago(500), { failures: { "orders-db": "recording its decisions failed: timeout" } }), "orders-db", now)).toBe(
      "The decider's last pass could not decide for this service (recording its decisions failed: timeout), so automatic failover is not being decided for it.",
    );
  });

  it("says nothing per service on a store no decider ever wrote to (the fleet is told none has run yet)", () => {
    expect(notDecidedSentence(null, "orders-db", now)).toBeNull();
  });

  it("is the decider's stall for every service when it has stopped", () => {
    expect(notDecidedSentence(progress(ago(60_000)), "orders-db", now)).toMatch(/^The decider has stopped: its last complete pass ended 60 s ago/);
  });
});
