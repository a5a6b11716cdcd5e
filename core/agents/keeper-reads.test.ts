import { describe, expect, it } from "vitest";
import { decideKeeperRead, KEEPER_READ_RULES, probeWakesKeeper, STANDBY_READ_EVERY_INTERVALS, type KeeperReadFacts } from "./keeper-reads";

const next = (facts: KeeperReadFacts) => decideKeeperRead(facts).next(facts, 10_000, 1_000);

describe("when the lease keeper reads its server", () => {
  it("reads a primary whose renewal is due, and a server that did not answer, every interval", () => {
    expect(decideKeeperRead({ lastRead: "primary", renewalAt: null })).toMatchObject({ id: "every-interval" });
    expect(next({ lastRead: "primary", renewalAt: null })).toBe(11_000);
    expect(decideKeeperRead({ lastRead: null, renewalAt: null })).toMatchObject({ id: "every-interval" });
    // A fresh grant does not rest a server that did not answer.
    expect(next({ lastRead: null, renewalAt: 12_000 })).toBe(11_000);
  });

  it("reads a primary whose grant is fresh with its next renewal", () => {
    expect(decideKeeperRead({ lastRead: "primary", renewalAt: 12_000 })).toMatchObject({ id: "primary-renews-later" });
    expect(next({ lastRead: "primary", renewalAt: 12_000 })).toBe(12_000);
  });

  it("reads a standby once every ten intervals", () => {
    expect(decideKeeperRead({ lastRead: "standby", renewalAt: null })).toMatchObject({ id: "standby-rests" });
    expect(next({ lastRead: "standby", renewalAt: null })).toBe(20_000);
    expect(STANDBY_READ_EVERY_INTERVALS).toBe(10);
  });

  it("is woken by the agent's probe seeing a primary, or no answer, where it last read a standby", () => {
    const keeper: KeeperReadFacts = { lastRead: "standby", renewalAt: null };
    expect(probeWakesKeeper({ reachable: true, role: "primary" }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: false, role: null }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: null }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: "standby" }, keeper)).toBe(false);
  });

  it("is woken by the agent's probe seeing a standby, or no answer, where it last read a primary it reads with its next renewal", () => {
    const keeper: KeeperReadFacts = { lastRead: "primary", renewalAt: 12_000 };
    expect(probeWakesKeeper({ reachable: true, role: "standby" }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: false, role: null }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: null }, keeper)).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: "primary" }, keeper)).toBe(false);
  });

  it("is not woken where it reads every interval anyway", () => {
    for (const keeper of [{ lastRead: "primary", renewalAt: null }, { lastRead: null, renewalAt: null }, { lastRead: null, renewalAt: 12_000 }] as const) {
      expect(probeWakesKeeper({ reachable: true, role: "primary" }, keeper)).toBe(false);
      expect(probeWakesKeeper({ reachable: true, role: "standby" }, keeper)).toBe(false);
      expect(probeWakesKeeper({ reachable: false, role: null }, keeper)).toBe(false);
    }
  });

  it("has stable ids, one sentence each", () => {
    expect(KEEPER_READ_RULES.map((rule) => rule.id)).toEqual(["standby-rests", "primary-renews-later", "every-interval"]);
    for (const rule of KEEPER_READ_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
