import { describe, expect, it } from "vitest";
import type { Decision } from "./decide";
import { changesAnything, decisionChanges, type HeldDecision } from "./decision-changes";

const now = new Date("2026-12-03T10:00:00Z");
const earlier = new Date("2026-12-03T09:59:00Z");

const decision = (ruleId: string, subject: string | null): Decision => ({
  ruleId,
  subject,
  diagnosis: "primary_unreachable_confirmed",
  action: { kind: "alert" },
  sentence: `${ruleId} about ${subject ?? "the service"}`,
});
const stored = (ruleId: string, subject: string, actedAt: Date | null = null): HeldDecision => ({ ruleId, subject, since: earlier, actedAt });

describe("decisionChanges", () => {
  it("stores a decision that starts, since now and not acted on", () => {
    const changes = decisionChanges([decision("R8", "replica-a")], [], now);
    expect(changes.started.map((started) => started.ruleId)).toEqual(["R8"]);
    expect(changes.ended).toEqual([]);
    expect(changes.held.get("R8:replica-a")).toEqual({ ruleId: "R8", subject: "replica-a", since: now, actedAt: null });
    expect(changesAnything(changes)).toBe(true);
  });

  it("keeps a held decision's since and whether it was carried out, and writes nothing for it", () => {
    const acted = new Date("2026-12-03T09:59:30Z");
    const changes = decisionChanges([decision("R8", "replica-a")], [stored("R8", "replica-a", acted)], now);
    expect(changes.started).toEqual([]);
    expect(changes.held.get("R8:replica-a")).toEqual({ ruleId: "R8", subject: "replica-a", since: earlier, actedAt: acted });
    expect(changesAnything(changes)).toBe(false);
  });

  it("removes a stored decision whose rule no longer matches, and one whose subject changed", () => {
    const changes = decisionChanges([decision("R8", "replica-b")], [stored("R8", "replica-a"), stored("R6", "")], now);
    expect(changes.ended.map((ended) => `${ended.ruleId}:${ended.subject}`).sort()).toEqual(["R6:", "R8:replica-a"]);
    expect(changes.started.map((started) => started.subject)).toEqual(["replica-b"]);
    expect([...changes.held.keys()]).toEqual(["R8:replica-b"]);
  });

  it("treats a decision about no subject as the empty subject it is stored with", () => {
    const changes = decisionChanges([decision("R11", null)], [stored("R11", "")], now);
    expect(changesAnything(changes)).toBe(false);
    expect(changes.held.get("R11:")?.since).toEqual(earlier);
  });

  it("stores a decision the rules repeat only once", () => {
    const changes = decisionChanges([decision("R8", "replica-a"), decision("R8", "replica-a")], [], now);
    expect(changes.started).toHaveLength(1);
  });
});
