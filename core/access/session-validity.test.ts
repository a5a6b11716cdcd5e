import { describe, expect, it } from "vitest";
import { SESSION_RULES, sessionRefusal } from "./session-validity";

const HOUR = 3_600_000;
const now = new Date("2026-12-03T12:00:00Z");
const lifetime = 12 * HOUR;
const signedIn = (hoursAgo: number) => now.getTime() - hoursAgo * HOUR;

describe("sessionRefusal", () => {
  it("lets a session of the current version within its lifetime stand", () => {
    expect(sessionRefusal({ sv: 3, signedInAt: signedIn(1) }, { sessionVersion: 3 }, now, lifetime)).toBeNull();
  });

  it("refuses a session issued before the user's sessions were ended", () => {
    expect(sessionRefusal({ sv: 2, signedInAt: signedIn(1) }, { sessionVersion: 3 }, now, lifetime)?.rule).toBe("session-version");
  });

  it("refuses a session past its absolute lifetime, counted from sign-in", () => {
    expect(sessionRefusal({ sv: 0, signedInAt: signedIn(11.99) }, { sessionVersion: 0 }, now, lifetime)).toBeNull();
    expect(sessionRefusal({ sv: 0, signedInAt: signedIn(12) }, { sessionVersion: 0 }, now, lifetime)?.rule).toBe("session-lifetime");
  });

  it("refuses a sign-in time in the future", () => {
    expect(sessionRefusal({ sv: 0, signedInAt: signedIn(-1) }, { sessionVersion: 0 }, now, lifetime)?.rule).toBe("session-lifetime");
  });

  it("refuses a session without its claims", () => {
    for (const claims of [{}, { sv: 0 }, { signedInAt: signedIn(1) }, { sv: "0", signedInAt: signedIn(1) }, { sv: 0, signedInAt: Number.NaN }]) {
      expect(sessionRefusal(claims, { sessionVersion: 0 }, now, lifetime)?.rule, JSON.stringify(claims)).toBe("session-claims");
    }
  });

  it("has a sentence for every rule", () => {
    for (const rule of SESSION_RULES) expect(rule.sentence).toMatch(/^A session .+\.$/);
  });
});
