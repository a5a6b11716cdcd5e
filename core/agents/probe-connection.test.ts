import { describe, expect, it } from "vitest";
import { decideProbeConnection, PROBE_CONNECTION_MAX_AGE_MS, PROBE_CONNECTION_RULES, type ProbeConnectionFacts } from "./probe-connection";

const SOUND: ProbeConnectionFacts = { kept: true, sameTarget: true, broken: false, lastProbeSucceeded: true, ageMs: 5_000 };

/** Every combination of the facts, with ages on both sides of the limit. */
function everyFacts(): ProbeConnectionFacts[] {
  const all: ProbeConnectionFacts[] = [];
  for (const kept of [true, false])
    for (const sameTarget of [true, false])
      for (const broken of [true, false])
        for (const lastProbeSucceeded of [true, false])
          for (const ageMs of [0, PROBE_CONNECTION_MAX_AGE_MS - 1, PROBE_CONNECTION_MAX_AGE_MS]) all.push({ kept, sameTarget, broken, lastProbeSucceeded, ageMs });
  return all;
}

describe("the witness probe's connection policy", () => {
  it("is a table of unique ids whose last row always matches", () => {
    const ids = PROBE_CONNECTION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(PROBE_CONNECTION_RULES.at(-1)!.when({ ...SOUND, broken: true, kept: false })).toBe(true);
    for (const rule of PROBE_CONNECTION_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    ["none-kept", { kept: false }, "open"],
    ["target-changed", { sameTarget: false }, "reopen"],
    ["socket-broken", { broken: true }, "reopen"],
    ["last-probe-failed", { lastProbeSucceeded: false }, "reopen"],
    ["aged-out", { ageMs: PROBE_CONNECTION_MAX_AGE_MS }, "reopen"],
    ["reuse", { ageMs: PROBE_CONNECTION_MAX_AGE_MS - 1 }, "reuse"],
  ] as const)("%s: %j → %s", (id, change, action) => {
    const rule = decideProbeConnection({ ...SOUND, ...change });
    expect(rule.id).toBe(id);
    expect(rule.action).toBe(action);
  });

  it("reuses a connection only when it is kept, to the same target, unbroken, its last probe answered, and younger than the limit", () => {
    for (const facts of everyFacts()) {
      const sound = facts.kept && facts.sameTarget && !facts.broken && facts.lastProbeSucceeded && facts.ageMs < PROBE_CONNECTION_MAX_AGE_MS;
      expect(decideProbeConnection(facts).action === "reuse", JSON.stringify(facts)).toBe(sound);
      if (!facts.kept) expect(decideProbeConnection(facts).action).toBe("open");
    }
  });
});
