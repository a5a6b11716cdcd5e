import { describe, expect, it } from "vitest";
import { decideKeeperRead, KEEPER_READ_RULES, probeWakesKeeper, STANDBY_READ_EVERY_INTERVALS } from "./keeper-reads";

describe("when the lease keeper reads its server", () => {
  it("reads a primary, and a server that did not answer, every interval", () => {
    expect(decideKeeperRead({ lastRead: "primary" })).toMatchObject({ id: "every-interval", intervals: 1 });
    expect(decideKeeperRead({ lastRead: null })).toMatchObject({ id: "every-interval", intervals: 1 });
  });

  it("reads a standby once every ten intervals", () => {
    expect(decideKeeperRead({ lastRead: "standby" })).toMatchObject({ id: "standby-rests", intervals: STANDBY_READ_EVERY_INTERVALS });
    expect(STANDBY_READ_EVERY_INTERVALS).toBe(10);
  });

  it("is woken by the agent's probe seeing a primary, or no answer, where it last read a standby", () => {
    expect(probeWakesKeeper({ reachable: true, role: "primary" }, { lastRead: "standby" })).toBe(true);
    expect(probeWakesKeeper({ reachable: false, role: null }, { lastRead: "standby" })).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: null }, { lastRead: "standby" })).toBe(true);
    expect(probeWakesKeeper({ reachable: true, role: "standby" }, { lastRead: "standby" })).toBe(false);
  });

  it("is not woken where it reads every interval anyway", () => {
    for (const lastRead of ["primary", null] as const) {
      expect(probeWakesKeeper({ reachable: true, role: "primary" }, { lastRead })).toBe(false);
      expect(probeWakesKeeper({ reachable: false, role: null }, { lastRead })).toBe(false);
    }
  });

  it("has stable ids, one sentence each", () => {
    expect(KEEPER_READ_RULES.map((rule) => rule.id)).toEqual(["standby-rests", "every-interval"]);
    for (const rule of KEEPER_READ_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
