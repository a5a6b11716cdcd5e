import { describe, expect, it } from "vitest";
import { decideRotation, ROTATION_RULES, type RotationFacts } from "./rotation-rules";

const facts = (overrides: Partial<RotationFacts> = {}): RotationFacts => ({
  step: "start",
  current: { id: "AA" },
  next: null,
  unconfirmedAgents: [],
  force: false,
  ...overrides,
});

describe("ROTATION_RULES", () => {
  it("is well formed: unique ids, each for at least one step", () => {
    expect(new Set(ROTATION_RULES.map((rule) => rule.id)).size).toBe(ROTATION_RULES.length);
    for (const rule of ROTATION_RULES) expect(rule.steps.length).toBeGreaterThan(0);
  });
});

describe("decideRotation", () => {
  it("starts a rotation when none is in progress, and refuses a second", () => {
    expect(decideRotation(facts())).toEqual({ ok: true });
    expect(decideRotation(facts({ next: { id: "BB" } }))).toEqual({
      ok: false,
      rule: "rotation-already-started",
      message: "A rotation is already in progress (next key BB): complete or cancel it first.",
    });
  });

  it("completes or cancels only a rotation in progress", () => {
    for (const step of ["complete", "cancel"] as const) {
      expect(decideRotation(facts({ step }))).toMatchObject({ ok: false, rule: "rotation-not-started" });
      expect(decideRotation(facts({ step, next: { id: "BB" } }))).toEqual({ ok: true });
    }
  });

  it("refuses to complete while active agents have not confirmed the next key, naming them, unless forced", () => {
    const waiting = facts({ step: "complete", next: { id: "BB" }, unconfirmedAgents: ["agent-a", "agent-b"] });
    const decision = decideRotation(waiting);
    expect(decision).toMatchObject({ ok: false, rule: "rotation-agents-unconfirmed" });
    expect(!decision.ok && decision.message).toMatch(/^2 active agents have not confirmed the next key: agent-a, agent-b\. Completing retires AA/);
    expect(decideRotation({ ...waiting, force: true })).toEqual({ ok: true });
    // Unconfirmed agents do not hold up a cancellation: it leaves them trusting the current key.
    expect(decideRotation({ ...waiting, step: "cancel" })).toEqual({ ok: true });
  });

  it("names at most ten agents", () => {
    const many = Array.from({ length: 13 }, (_, index) => `agent-${index}`);
    const decision = decideRotation(facts({ step: "complete", next: { id: "BB" }, unconfirmedAgents: many }));
    expect(!decision.ok && decision.message).toContain("agent-9 and 3 more");
  });
});
