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
    const changes = decisionChanges([decision("failover-automatic", "replica-a")], [], now);
    expect(changes.started.map((started) => started.ruleId)).toEqual(["failover-automatic"]);
    expect(changes.ended).toEqual([]);
    expect(changes.held.get("failover-automatic:replica-a")).toEqual({ ruleId: "failover-automatic", subject: "replica-a", since: now, actedAt: null });
    expect(changesAnything(changes)).toBe(true);
  });

  it("keeps a held decision's since and whether it was carried out, and writes nothing for it", () => {
    const acted = new Date("2026-12-03T09:59:30Z");
    const changes = decisionChanges([decision("failover-automatic", "replica-a")], [stored("failover-automatic", "replica-a", acted)], now);
    expect(changes.started).toEqual([]);
    expect(changes.held.get("failover-automatic:replica-a")).toEqual({ ruleId: "failover-automatic", subject: "replica-a", since: earlier, actedAt: acted });
    expect(changesAnything(changes)).toBe(false);
  });

  it("removes a stored decision whose rule no longer matches, and one whose subject changed", () => {
    const changes = decisionChanges([decision("failover-automatic", "replica-b")], [stored("failover-automatic", "replica-a"), stored("failover-run-active", "")], now);
    expect(changes.ended.map((ended) => `${ended.ruleId}:${ended.subject}`).sort()).toEqual(["failover-automatic:replica-a", "failover-run-active:"]);
    expect(changes.started.map((started) => started.subject)).toEqual(["replica-b"]);
    expect([...changes.held.keys()]).toEqual(["failover-automatic:replica-b"]);
  });

  it("treats a decision about no subject as the empty subject it is stored with", () => {
    const changes = decisionChanges([decision("run-in-progress", null)], [stored("run-in-progress", "")], now);
    expect(changesAnything(changes)).toBe(false);
    expect(changes.held.get("run-in-progress:")?.since).toEqual(earlier);
  });

  it("stores a decision the rules repeat only once", () => {
    const changes = decisionChanges([decision("failover-automatic", "replica-a"), decision("failover-automatic", "replica-a")], [], now);
    expect(changes.started).toHaveLength(1);
  });
});
