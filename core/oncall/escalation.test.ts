import { describe, expect, it } from "vitest";
import { PAGE_SEVERITY } from "../alerts/page-level";
import { ESCALATION_RULE_IDS, ESCALATION_RULES, decideEscalation, type EscalationFacts, type EscalationPolicy } from "./escalation";
import type { OnCallSchedule } from "./on-call-schedule";

const firedAt = new Date("2026-12-07T10:00:00Z");
const minutes = (count: number) => new Date(firedAt.getTime() + count * 60_000);

const schedule: OnCallSchedule = {
  id: "sched",
  name: "db on-call",
  timeZone: "UTC",
  period: "weekly",
  startDate: "2026-11-30",
  handoffTime: "09:00",
  people: ["cyd", "dee"],
  overrides: [],
};

const policy: EscalationPolicy = {
  id: "p",
  name: "databases",
  levels: [
    { timeoutMinutes: 5, targets: [{ type: "user", userId: "ada" }] },
    { timeoutMinutes: 10, targets: [{ type: "schedule", scheduleId: "sched" }, { type: "user", userId: "bob" }] },
  ],
};

function facts(overrides: Partial<EscalationFacts> = {}): EscalationFacts {
  return {
    alert: { severity: "critical", state: "firing", acknowledgedAt: null, maintenance: null },
    policy,
    schedules: new Map([["sched", schedule]]),
    sent: [],
    now: firedAt,
    ...overrides,
  };
}

describe("the escalation table", () => {
  it("declares every rule once, in the order of its ids, each with one sentence", () => {
    expect(ESCALATION_RULES.map((rule) => rule.id)).toEqual([...ESCALATION_RULE_IDS]);
    for (const rule of ESCALATION_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });

  it("says critical is the page level", () => {
    expect(PAGE_SEVERITY).toBe("critical");
    expect(ESCALATION_RULES.find((rule) => rule.id === "below-page-level")?.sentence).toContain("critical is the page level");
  });
});

describe("deciding whom to page", () => {
  it("pages level 1 at once when a critical alert fires", () => {
    expect(decideEscalation(facts())).toEqual({
      rule: "page-first-level",
      sentence: "paged level 1 of 2",
      pages: [{ level: 0, userId: "ada", scheduleId: null }],
      escalatesAt: null,
    });
  });

  it("waits out level 1's timeout, to the millisecond", () => {
    const sent = [{ level: 0, userId: "ada", sentAt: firedAt }];
    const waiting = decideEscalation(facts({ sent, now: new Date(minutes(5).getTime() - 1) }));
    expect(waiting).toMatchObject({ rule: "wait-for-acknowledgement", pages: [], escalatesAt: minutes(5) });
    expect(waiting.sentence).toBe("level 1 of 2 paged; escalates at 2026-12-07T10:05:00.000Z unless acknowledged");
  });

  it("escalates to level 2 after the timeout: whoever is on call in its schedule and its people", () => {
    const decision = decideEscalation(facts({ sent: [{ level: 0, userId: "ada", sentAt: firedAt }], now: minutes(5) }));
    expect(decision.rule).toBe("escalate-after-timeout");
    expect(decision.sentence).toBe("not acknowledged within level 1's timeout: paged level 2 of 2");
    expect(decision.pages).toEqual([
      { level: 1, userId: "dee", scheduleId: "sched" },
      { level: 1, userId: "bob", scheduleId: null },
    ]);
  });

  it("times a level from when it was paged: a late page still gets its whole timeout", () => {
    const sent = [{ level: 0, userId: "ada", sentAt: minutes(30) }];
    expect(decideEscalation(facts({ sent, now: minutes(34) })).rule).toBe("wait-for-acknowledgement");
    expect(decideEscalation(facts({ sent, now: minutes(35) })).rule).toBe("escalate-after-timeout");
  });

  it("pages nobody more once the last level's timeout has passed", () => {
    const sent = [
      { level: 0, userId: "ada", sentAt: firedAt },
      { level: 1, userId: "bob", sentAt: minutes(5) },
    ];
    expect(decideEscalation(facts({ sent, now: minutes(14) })).rule).toBe("wait-for-acknowledgement");
    expect(decideEscalation(facts({ sent, now: minutes(15) }))).toMatchObject({ rule: "levels-exhausted", pages: [], sentence: "every level paged and none acknowledged" });
  });

  it("stops on acknowledgement and on resolution, whatever the timeouts say", () => {
    const sent = [{ level: 0, userId: "ada", sentAt: firedAt }];
    expect(decideEscalation(facts({ sent, now: minutes(60), alert: { ...facts().alert, acknowledgedAt: minutes(1) } }))).toMatchObject({ rule: "alert-acknowledged", pages: [] });
    expect(decideEscalation(facts({ sent, now: minutes(60), alert: { ...facts().alert, state: "resolved" } }))).toMatchObject({ rule: "alert-resolved", pages: [] });
  });

  it("pages nobody for a warning, a pending alert, one raised in maintenance, or without a policy", () => {
    expect(decideEscalation(facts({ alert: { ...facts().alert, severity: "warning" } })).rule).toBe("below-page-level");
    expect(decideEscalation(facts({ alert: { ...facts().alert, state: "pending" } })).rule).toBe("not-yet-firing");
    expect(decideEscalation(facts({ alert: { ...facts().alert, maintenance: 'maintenance window "patching"' } })).rule).toBe("raised-in-maintenance");
    expect(decideEscalation(facts({ policy: null }))).toMatchObject({ rule: "no-escalation-policy", pages: [] });
  });

  it("skips a level with nobody on call, saying so, and pages the next at once", () => {
    const gap = new Map([["sched", { ...schedule, startDate: "2027-01-04" }]]);
    const scheduleFirst: EscalationPolicy = { ...policy, levels: [{ timeoutMinutes: 5, targets: [{ type: "schedule", scheduleId: "sched" }] }, policy.levels[0]!] };
    const decision = decideEscalation(facts({ policy: scheduleFirst, schedules: gap }));
    expect(decision).toMatchObject({ rule: "page-first-level", pages: [{ level: 1, userId: "ada", scheduleId: null }] });
    expect(decision.sentence).toBe("paged level 2 of 2 (level 1 had nobody on call and was skipped)");
  });

  it("a level whose schedule is unknown has nobody on call", () => {
    const onlySchedule: EscalationPolicy = { ...policy, levels: [{ timeoutMinutes: 5, targets: [{ type: "schedule", scheduleId: "gone" }] }] };
    expect(decideEscalation(facts({ policy: onlySchedule }))).toMatchObject({ rule: "nobody-on-call", pages: [], sentence: 'no level of "databases" has anyone on call: nobody paged' });
  });

  it("after the timeout, with nobody on call further down, pages nobody more and says which levels were skipped", () => {
    const gap = new Map([["sched", { ...schedule, startDate: "2027-01-04" }]]);
    const tail: EscalationPolicy = { ...policy, levels: [policy.levels[0]!, { timeoutMinutes: 5, targets: [{ type: "schedule", scheduleId: "sched" }] }] };
    const decision = decideEscalation(facts({ policy: tail, schedules: gap, sent: [{ level: 0, userId: "ada", sentAt: firedAt }], now: minutes(5) }));
    expect(decision).toMatchObject({ rule: "levels-exhausted", pages: [], sentence: "every level paged and none acknowledged (level 2 had nobody on call and was skipped)" });
  });

  it("pages a person named twice in a level once; a level's override wins over its rotation", () => {
    const twice: EscalationPolicy = {
      ...policy,
      levels: [{ timeoutMinutes: 5, targets: [{ type: "user", userId: "eve" }, { type: "schedule", scheduleId: "sched" }] }],
    };
    const withOverride = new Map([["sched", { ...schedule, overrides: [{ id: "o", userId: "eve", startsAt: minutes(-60), endsAt: minutes(60) }] }]]);
    expect(decideEscalation(facts({ policy: twice, schedules: withOverride })).pages).toEqual([{ level: 0, userId: "eve", scheduleId: null }]);
  });

  it("never pages a level before the one already paged, even if someone came on call there since", () => {
    const gapThenPeople: EscalationPolicy = { ...policy, levels: [{ timeoutMinutes: 5, targets: [{ type: "schedule", scheduleId: "sched" }] }, policy.levels[0]!] };
    const sent = [{ level: 1, userId: "ada", sentAt: firedAt }];
    expect(decideEscalation(facts({ policy: gapThenPeople, sent, now: minutes(2) })).rule).toBe("wait-for-acknowledgement");
    expect(decideEscalation(facts({ policy: gapThenPeople, sent, now: minutes(6) })).rule).toBe("levels-exhausted");
  });
});
