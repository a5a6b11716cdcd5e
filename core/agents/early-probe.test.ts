import { describe, expect, it } from "vitest";
import { decideEarlyProbe, EARLY_PROBE_MIN_SPACING_MS, EARLY_PROBE_RULES, type EarlyProbeFacts } from "./early-probe";

const CRASHED: EarlyProbeFacts = { current: true, lastProbeSucceeded: true, msSinceEarlyProbe: null };

describe("probing a peer early when it closes the witness's connection", () => {
  it("is a table of unique ids whose last row always matches", () => {
    const ids = EARLY_PROBE_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(EARLY_PROBE_RULES.at(-1)!.when({ current: false, lastProbeSucceeded: false, msSinceEarlyProbe: 0 })).toBe(true);
    for (const rule of EARLY_PROBE_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    ["peer-closed-connection", {}, true],
    ["peer-closed-connection", { msSinceEarlyProbe: EARLY_PROBE_MIN_SPACING_MS }, true],
    ["connection-let-go", { current: false }, false],
    ["already-failing", { lastProbeSucceeded: false }, false],
    ["probed-early-lately", { msSinceEarlyProbe: EARLY_PROBE_MIN_SPACING_MS - 1 }, false],
    ["probed-early-lately", { msSinceEarlyProbe: 0 }, false],
  ] as const)("%s for %j", (id, change, probeNow) => {
    const rule = decideEarlyProbe({ ...CRASHED, ...change });
    expect(rule.id).toBe(id);
    expect(rule.probeNow).toBe(probeNow);
  });

  it("probes early only for a sound connection of its own that the peer closed, at most once a second", () => {
    for (const current of [true, false])
      for (const lastProbeSucceeded of [true, false])
        for (const msSinceEarlyProbe of [null, 0, EARLY_PROBE_MIN_SPACING_MS - 1, EARLY_PROBE_MIN_SPACING_MS]) {
          const expected = current && lastProbeSucceeded && (msSinceEarlyProbe === null || msSinceEarlyProbe >= EARLY_PROBE_MIN_SPACING_MS);
          expect(decideEarlyProbe({ current, lastProbeSucceeded, msSinceEarlyProbe }).probeNow).toBe(expected);
        }
  });
});
