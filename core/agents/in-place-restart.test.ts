import { describe, expect, it } from "vitest";
import {
  DEFAULT_CRASH_LOOP,
  decideInPlaceRestart,
  IN_PLACE_RESTART_HOLD_MS,
  IN_PLACE_RESTART_RULES,
  IN_PLACE_RESTART_TIMEOUT_MS,
  restartHoldUntil,
  restartsWithin,
  type InPlaceRestartFacts,
} from "./in-place-restart";

/** A primary that crashed on a healthy host, with everything in place for a restart. */
const CRASHED: InPlaceRestartFacts = {
  enabled: true,
  serverAnswers: false,
  restarting: false,
  lastAttemptFailed: false,
  postmaster: "stale",
  folderProblem: null,
  startsAs: "primary",
  leaseKept: true,
  leaseRefused: false,
  recentRestarts: 0,
  limit: DEFAULT_CRASH_LOOP,
};

/** Every combination of the facts' values (recentRestarts on both sides of the limit). */
function everyFacts(): InPlaceRestartFacts[] {
  const values = {
    enabled: [true, false],
    serverAnswers: [true, false],
    restarting: [true, false],
    lastAttemptFailed: [true, false],
    postmaster: ["none", "running", "stale"],
    folderProblem: [null, "no PG_VERSION"],
    startsAs: ["primary", "standby"],
    leaseKept: [true, false],
    leaseRefused: [true, false],
    recentRestarts: [0, DEFAULT_CRASH_LOOP.maxRestarts - 1, DEFAULT_CRASH_LOOP.maxRestarts],
  } as const;
  let all: Record<string, unknown>[] = [{ limit: DEFAULT_CRASH_LOOP }];
  for (const [key, options] of Object.entries(values)) all = all.flatMap((facts) => options.map((value) => ({ ...facts, [key]: value })));
  return all as unknown as InPlaceRestartFacts[];
}

describe("in-place restart of a crashed server", () => {
  it("is a table of unique ids, one sentence each, whose last row always matches", () => {
    const ids = IN_PLACE_RESTART_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of IN_PLACE_RESTART_RULES) expect(rule.sentence).toMatch(/^[A-Z][^]*\.$/);
    expect(IN_PLACE_RESTART_RULES.at(-1)!.when({ ...CRASHED, serverAnswers: true })).toBe(true);
  });

  it.each([
    ["server-answers", { serverAnswers: true }, "none"],
    ["restart-under-way", { restarting: true }, "none"],
    ["restart-disabled", { enabled: false }, "none"],
    ["postmaster-alive", { postmaster: "running" }, "none"],
    ["stopped-cleanly", { postmaster: "none" }, "none"],
    ["restart-failed", { lastAttemptFailed: true }, "give-up"],
    ["data-folder-damaged", { folderProblem: "global/pg_control is missing" }, "give-up"],
    ["lease-refused", { leaseRefused: true }, "give-up"],
    ["primary-without-lease-keeper", { leaseKept: false }, "give-up"],
    ["crash-loop", { recentRestarts: DEFAULT_CRASH_LOOP.maxRestarts }, "give-up"],
    ["restart-crashed-server", { recentRestarts: DEFAULT_CRASH_LOOP.maxRestarts - 1 }, "restart"],
    ["restart-crashed-server", { startsAs: "standby", leaseKept: false, leaseRefused: true }, "restart"],
  ] as const)("%s: %j → %s", (id, change, action) => {
    const rule = decideInPlaceRestart({ ...CRASHED, ...change });
    expect(rule.id).toBe(id);
    expect(rule.action).toBe(action);
  });

  it("restarts only a crashed server with a whole folder, below the crash-loop limit, and a primary only under a lease keeper that was not refused", () => {
    for (const facts of everyFacts()) {
      const primaryGuarded = facts.startsAs === "standby" || (facts.leaseKept && !facts.leaseRefused);
      const expected =
        facts.enabled &&
        !facts.serverAnswers &&
        !facts.restarting &&
        !facts.lastAttemptFailed &&
        facts.postmaster === "stale" &&
        facts.folderProblem === null &&
        primaryGuarded &&
        facts.recentRestarts < facts.limit.maxRestarts;
      expect(decideInPlaceRestart(facts).action === "restart", JSON.stringify(facts)).toBe(expected);
    }
  });

  it("never gives up on a server that answers, or while an attempt runs", () => {
    for (const facts of everyFacts()) if (facts.serverAnswers || facts.restarting) expect(decideInPlaceRestart(facts).action).toBe("none");
  });

  it("counts the restarts of the crash-loop window only", () => {
    const now = 1_000_000;
    expect(restartsWithin([now - DEFAULT_CRASH_LOOP.withinMs, now - DEFAULT_CRASH_LOOP.withinMs + 1, now - 5, now], now, DEFAULT_CRASH_LOOP)).toBe(3);
    expect(restartsWithin([], now, DEFAULT_CRASH_LOOP)).toBe(0);
  });
});

describe("the control plane's hold for an in-place restart", () => {
  const heardAt = new Date("2026-12-06T01:00:00.000Z");
  const after = (ms: number) => new Date(heardAt.getTime() + ms);

  it("outlasts the agent's own bound on an attempt", () => {
    expect(IN_PLACE_RESTART_HOLD_MS).toBeGreaterThan(IN_PLACE_RESTART_TIMEOUT_MS);
  });

  it("holds while the attempt is reported under way, until its bound", () => {
    expect(restartHoldUntil({ state: "restarting", heardAt }, after(0))).toEqual(after(IN_PLACE_RESTART_HOLD_MS));
    expect(restartHoldUntil({ state: "restarting", heardAt }, after(IN_PLACE_RESTART_HOLD_MS - 1))).toEqual(after(IN_PLACE_RESTART_HOLD_MS));
    expect(restartHoldUntil({ state: "restarting", heardAt }, after(IN_PLACE_RESTART_HOLD_MS))).toBeNull();
  });

  it("holds for nothing once the attempt ended, or was given up, or when none was reported", () => {
    for (const state of ["restarted", "failed", "given-up"] as const) expect(restartHoldUntil({ state, heardAt }, after(1))).toBeNull();
    expect(restartHoldUntil(null, after(1))).toBeNull();
  });
});
