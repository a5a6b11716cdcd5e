import { afterAll, describe, expect, it } from "vitest";
import { PartlyMigratedStore } from "../support/partly-migrated-store";

const RULE_NAMES = "20261203190000_automation_rule_names";
const store = new PartlyMigratedStore(RULE_NAMES);

afterAll(() => store.drop());

describe("naming the automation's rules", () => {
  it("moves stored decisions and the alerts naming a held-back decision to the names, and leaves every other alert alone", async () => {
    await store.create();
    await store.query(`INSERT INTO "Service" (id, name, engine, "updatedAt") VALUES ('orders-db', 'orders-db', 'postgresql', now())`);
    await store.query(
      `INSERT INTO "AutomationDecision" ("serviceId", "ruleId", subject, diagnosis, action, sentence, since)
       VALUES ('orders-db', 'R8', 'replica-a', 'primary_unreachable_confirmed', '{"kind":"fail-over"}', 'fail over', now()),
              ('orders-db', 'R11', '', 'run_in_progress', '{"kind":"none"}', 'a run', now())`,
    );
    await store.query(
      `INSERT INTO "Alert" (id, "ruleId", "subjectKey", "subjectLabel", "serviceId", severity, state, sentence, "startedAt", "lastSeenAt")
       VALUES ('a1', 'automatic-failover-held', 'automation:R3', 'automation R3', 'orders-db', 'critical', 'firing', 'paused', now(), now()),
              ('a2', 'automatic-failover-held', 'automation:R15', 'automation R15', 'orders-db', 'critical', 'resolved', 'held', now(), now()),
              ('a3', 'automation-not-deciding', 'automation:decider', 'the decider', 'orders-db', 'critical', 'firing', 'stalled', now(), now()),
              ('a4', 'heartbeat-stale', 'replica:R3', 'R3', 'orders-db', 'critical', 'firing', 'stale', now(), now())`,
    );

    const result = await store.migrateTheRest();
    expect(result.applied[0]).toBe(RULE_NAMES);
    expect(await store.query(`SELECT "ruleId", subject FROM "AutomationDecision" ORDER BY "ruleId"`)).toEqual([
      { ruleId: "failover-automatic", subject: "replica-a" },
      { ruleId: "run-in-progress", subject: "" },
    ]);
    expect(await store.query(`SELECT id, "subjectKey", "subjectLabel" FROM "Alert" ORDER BY id`)).toEqual([
      { id: "a1", subjectKey: "automation:failover-paused", subjectLabel: "automation failover-paused" },
      { id: "a2", subjectKey: "automation:failover-maintenance-window", subjectLabel: "automation failover-maintenance-window" },
      { id: "a3", subjectKey: "automation:decider", subjectLabel: "the decider" },
      { id: "a4", subjectKey: "replica:R3", subjectLabel: "R3" },
    ]);
  });
});
