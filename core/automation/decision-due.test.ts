import { describe, expect, it } from "vitest";
import { ago, healthySnapshot, NOW, primaryLost } from "@/test/fixtures/automation-snapshot";
import { decide } from "./decide";
import { decisionDueAt } from "./decision-due";

const at = (ms: number) => new Date(NOW.getTime() + ms);

describe("when the decider must decide again, with no new report", () => {
  it("is when a healthy primary's last report turns stale", () => {
    // Reported a second ago, window 5 s: stale strictly after 4 s from now.
    expect(decisionDueAt(healthySnapshot(), NOW)).toEqual(at(4_001));
  });

  it("is when the witnesses' failures reach the window, and the loss is confirmed then and not before", () => {
    const lost = primaryLost(6_000, 3_000);
    const due = decisionDueAt(lost, NOW)!;
    expect(due).toEqual(at(2_000));
    expect(decide(lost, new Date(due.getTime() - 1)).map((decision) => decision.ruleId)).toEqual(["primary-loss-unconfirmed"]);
    expect(decide(lost, due).map((decision) => decision.ruleId)).toEqual(["failover-lease-held"]);
  });

  it("is when the lease lapses once the loss is confirmed, and the failover starts then", () => {
    const lost = primaryLost(6_000, 5_500);
    const due = decisionDueAt(lost, NOW)!;
    // Failing since 5.5 s ago: the lease ends 1 s + 5 s later, with a margin of ⌈6000·ρ/(1−ρ)⌉ + 250 ms.
    expect(due).toEqual(new Date(ago(5_500).getTime() + 6_000 + 61 + 250));
    expect(decide(lost, new Date(due.getTime() - 1)).map((decision) => decision.ruleId)).toEqual(["failover-lease-held"]);
    expect(decide(lost, due).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
  });

  it("is nothing without a write replica", () => {
    expect(decisionDueAt({ ...healthySnapshot(), writeReplicaId: null }, NOW)).toBeNull();
  });
});
