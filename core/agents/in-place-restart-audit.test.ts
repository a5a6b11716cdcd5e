import { describe, expect, it } from "vitest";
import { IN_PLACE_RESTART_STATES, type InPlaceRestartState } from "./in-place-restart";
import { decideInPlaceRestartAudit, IN_PLACE_RESTART_ATTEMPTS_LIMIT, IN_PLACE_RESTART_AUDIT_RULES } from "./in-place-restart-audit";

const KNOWN: (InPlaceRestartState | null)[] = [null, ...IN_PLACE_RESTART_STATES];

describe("audit events of in-place restarts", () => {
  it("are a table of unique ids whose last row always matches", () => {
    const ids = IN_PLACE_RESTART_AUDIT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(IN_PLACE_RESTART_AUDIT_RULES.at(-1)!.when("restarting", "restarting", 0)).toBe(true);
  });

  it.each([
    [null, "restarting", "started", ["restart_in_place.start"]],
    [null, "restarted", "started-and-ended", ["restart_in_place.start", "restart_in_place.finish"]],
    [null, "failed", "started-and-ended", ["restart_in_place.start", "restart_in_place.finish"]],
    [null, "given-up", "given-up", ["restart_in_place.give_up"]],
    ["restarting", "restarting", "unchanged", []],
    ["restarting", "restarted", "ended", ["restart_in_place.finish"]],
    ["restarting", "failed", "ended", ["restart_in_place.finish"]],
    ["restarted", "failed", "attempt-ended", []],
    ["failed", "restarting", "attempt-ended", []],
    ["given-up", "given-up", "attempt-ended", []],
  ] as const)("known %s, reported %s: %s", (known, reported, id, events) => {
    const rule = decideInPlaceRestartAudit(known, reported, 0);
    expect(rule.id).toBe(id);
    expect(rule.events).toEqual(events);
  });

  it("audit each attempt's start and outcome exactly once, whatever reports repeat or are skipped", () => {
    const sequences: InPlaceRestartState[][] = [
      ["restarting", "restarting", "restarted", "restarted"],
      ["restarted", "restarted"],
      ["restarting", "failed", "restarting", "failed"],
      ["given-up", "given-up"],
    ];
    for (const sequence of sequences) {
      let known: InPlaceRestartState | null = null;
      const written: string[] = [];
      for (const reported of sequence) {
        const rule = decideInPlaceRestartAudit(known, reported, 0);
        written.push(...rule.events);
        if (rule.store) known = reported;
      }
      const count = (event: string) => written.filter((name) => name === event).length;
      if (sequence[0] === "given-up") expect(written).toEqual(["restart_in_place.give_up"]);
      else expect([count("restart_in_place.start"), count("restart_in_place.finish")]).toEqual([1, 1]);
    }
  });

  it("never store over an ended attempt", () => {
    for (const known of KNOWN) for (const reported of IN_PLACE_RESTART_STATES) if (known && known !== "restarting") expect(decideInPlaceRestartAudit(known, reported, 0).store).toBe(false);
  });

  it("take no new attempt beyond the limit, yet still the outcome of one already stored", () => {
    const limit = IN_PLACE_RESTART_ATTEMPTS_LIMIT.attempts;
    for (const reported of IN_PLACE_RESTART_STATES) {
      expect(decideInPlaceRestartAudit(null, reported, limit)).toMatchObject({ id: "too-many-attempts", events: [], store: false });
      expect(decideInPlaceRestartAudit(null, reported, limit - 1).store).toBe(true);
    }
    expect(decideInPlaceRestartAudit("restarting", "restarted", limit)).toMatchObject({ id: "ended", events: ["restart_in_place.finish"] });
  });
});
