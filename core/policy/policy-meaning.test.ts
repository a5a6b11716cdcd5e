import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/test/fixtures/policy-topology";
import { automaticFailoversPerHour, MEANINGS, POLICY_SECTIONS, policyMeaning } from "./policy-meaning";

const sentenceOf = (id: string, document = demoPolicy()) => policyMeaning(document).filter((meaning) => meaning.id === id).map((meaning) => meaning.sentence);

describe("the meanings table", () => {
  it("has unique descriptive ids, each in a known section", () => {
    const ids = MEANINGS.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of MEANINGS) {
      expect(row.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(POLICY_SECTIONS).toContain(row.section);
    }
  });

  it("says something about every section of the demo policy", () => {
    expect(new Set(policyMeaning(demoPolicy()).map((meaning) => meaning.section))).toEqual(new Set(POLICY_SECTIONS));
  });
});

describe("policyMeaning", () => {
  it("states how long a silent primary takes to be declared lost, from interval × misses", () => {
    expect(sentenceOf("primary-loss-window", demoPolicy((d) => (d.heartbeat = { intervalSeconds: 3, missesBeforeUnfit: 3 })))).toEqual([
      "a primary silent for 9 s (3 missed reports, one every 3 s) is declared lost, if the witnesses agree",
    ]);
    expect(sentenceOf("primary-loss-window", demoPolicy((d) => (d.heartbeat = { intervalSeconds: 0.2, missesBeforeUnfit: 1 })))).toEqual([
      "a primary silent for 200 ms (1 missed report, one every 200 ms) is declared lost, if the witnesses agree",
    ]);
  });

  it("counts the witness regions that must agree over the same window", () => {
    expect(sentenceOf("witness-agreement")).toEqual(["the witnesses agree when 2 other regions fail to reach the primary for the whole 5 s; one that still reaches it vetoes"]);
    expect(sentenceOf("witness-agreement", demoPolicy((d) => (d.witness.quorum = 1)))).toEqual([
      "the witnesses agree when 1 other region fails to reach the primary for the whole 5 s; one that still reaches it vetoes",
    ]);
  });

  it("says who acts on a lost primary, by the automatic switch", () => {
    expect(sentenceOf("automatic-failover")).toEqual(["a primary declared lost is replaced by itself: an eligible standby is promoted without waiting for a person"]);
    expect(sentenceOf("automatic-failover", demoPolicy((d) => (d.failover.automatic = false)))).toEqual([
      "a primary declared lost opens a guided failover runbook for a person; nothing is promoted by itself",
    ]);
  });

  it("states the lag limit in binary units, and what a zero limit means", () => {
    expect(sentenceOf("failover-lag-limit")).toEqual(["a standby lagging more than 1 MiB is never promoted automatically; it needs a person's override with approval"]);
    expect(sentenceOf("failover-lag-limit", demoPolicy((d) => (d.failover.maxLagBytes = 0)))).toEqual([
      "only a standby with no lag at all may be promoted automatically; any other needs a person's override with approval",
    ]);
  });

  it("turns the cooldown into automatic failovers per hour, and says when there is no limit", () => {
    expect(sentenceOf("failover-rate", demoPolicy((d) => (d.failover.cooldownSeconds = 1800)))).toEqual([
      "after a failover, automatic failover waits 30 min unless a person acknowledges it: at most 2 automatic failovers in any hour",
    ]);
    expect(sentenceOf("failover-rate", demoPolicy((d) => (d.failover.cooldownSeconds = 0)))).toEqual([
      "no cooldown: automatic failovers may follow one another without limit, so a flapping primary can fail over again and again",
    ]);
    expect(sentenceOf("failover-rate", demoPolicy((d) => (d.failover.automatic = false)))).toEqual([
      "automatic failover is off, so nothing fails over by itself and the cooldown holds nothing back",
    ]);
  });

  it("counts failovers per hour as one at the start and one per cooldown after", () => {
    expect([3600, 1800, 1200, 1000, 900, 7200, 1].map(automaticFailoversPerHour)).toEqual([1, 2, 3, 4, 4, 1, 3600]);
    expect(automaticFailoversPerHour(0)).toBeNull();
  });

  it("says whether a switchover starts the cooldown", () => {
    expect(sentenceOf("cooldown-after-switchover")).toEqual(["a planned switchover leaves automatic failover armed for the new primary"]);
    expect(sentenceOf("cooldown-after-switchover", demoPolicy((d) => (d.failover.cooldownAfterSwitchover = true)))).toEqual(["a planned switchover starts the 15 min cooldown too"]);
  });

  it("says what a rejoin does with a former MariaDB primary holding errant transactions, and that PostgreSQL's discards them either way", () => {
    expect(sentenceOf("errant-transactions")).toEqual([
      "a former MariaDB primary holding transactions the new primary lacks is not rejoined: it stays read-only with its data until the policy says rebuild (PostgreSQL: a former primary always rejoins by discarding its history since the split)",
    ]);
    expect(sentenceOf("errant-transactions", demoPolicy((d) => (d.failover.errantTransactions = "rebuild")))).toEqual([
      "a former MariaDB primary holding transactions the new primary lacks is rebuilt from it when it rejoins, its databases first dumped to its agent's formerDataDir (PostgreSQL: a former primary always rejoins by discarding its history since the split)",
    ]);
    expect(policyMeaning(demoPolicy()).find((meaning) => meaning.id === "errant-transactions")).toMatchObject({ section: "failover", field: "failover.errantTransactions" });
  });

  it("describes each dataset's replication and residency, one sentence each", () => {
    const document = demoPolicy((d) => (d.datasets.orders!.residency = { jurisdictions: ["EU"], regions: ["aws:eu-west-1", "gcp:europe-west3"] }));
    expect(policyMeaning(document).filter((meaning) => meaning.section === "datasets")).toEqual([
      {
        id: "dataset-replication",
        section: "datasets",
        field: "datasets.orders.replication",
        sentence: "orders: every write waits for a synchronous standby before it is acknowledged (RPO 0, higher write latency)",
      },
      {
        id: "dataset-replication",
        section: "datasets",
        field: "datasets.order-history.replication",
        sentence: "order-history: writes are acknowledged before a standby has them, so a failover can lose the newest ones (RPO above 0)",
      },
      {
        id: "dataset-residency",
        section: "datasets",
        field: "datasets.orders.residency",
        sentence: "orders may be stored, and failed over to, only in aws:eu-west-1, gcp:europe-west3 (within EU)",
      },
      { id: "dataset-residency", section: "datasets", field: "datasets.order-history.residency", sentence: "order-history may be stored, and failed over to, in any region of EU, US" },
    ]);
  });

  it("names the approvals each kind of change needs", () => {
    expect(sentenceOf("approvals-needed", demoPolicy((d) => (d.approvals = { safetyRelevant: 1, other: 1 })))).toEqual([
      "a change to a safety-relevant field needs 1 approval, any other change 1 approval, never from the person who proposed it",
    ]);
  });

  it("describes each maintenance window with its length, and says when there is none", () => {
    expect(sentenceOf("maintenance-windows")).toEqual(["no maintenance window: automatic failover and alert webhooks are never held by one"]);
    const document = demoPolicy((d) => {
      d.maintenanceWindows = [
        { startsAt: "2026-12-08T02:00:00Z", endsAt: "2026-12-08T04:00:00Z", reason: "kernel upgrade", automaticFailover: "held" },
        { startsAt: "2026-12-09T02:00:00Z", endsAt: "2026-12-09T02:30:00Z", reason: "switch firmware", automaticFailover: "armed" },
      ];
    });
    expect(policyMeaning(document).filter((meaning) => meaning.id === "maintenance-windows")).toEqual([
      {
        id: "maintenance-windows",
        section: "maintenanceWindows",
        field: "maintenanceWindows.0",
        sentence: "2026-12-08T02:00:00Z – 2026-12-08T04:00:00Z (2.0 h), kernel upgrade: automatic failover is held for a person, and alerts are marked in maintenance and sent to no webhook",
      },
      {
        id: "maintenance-windows",
        section: "maintenanceWindows",
        field: "maintenanceWindows.1",
        sentence: "2026-12-09T02:00:00Z – 2026-12-09T02:30:00Z (30 min), switch firmware: automatic failover stays armed, and alerts are marked in maintenance and sent to no webhook",
      },
    ]);
  });

  it("leaves out the length of a window that ends before it starts", () => {
    const document = demoPolicy((d) => (d.maintenanceWindows = [{ startsAt: "2026-12-08T04:00:00Z", endsAt: "2026-12-08T02:00:00Z", reason: "r", automaticFailover: "held" }]));
    expect(sentenceOf("maintenance-windows", document)).toEqual([
      "2026-12-08T04:00:00Z – 2026-12-08T02:00:00Z, r: automatic failover is held for a person, and alerts are marked in maintenance and sent to no webhook",
    ]);
  });

  it("states the alert delay and the drill approval", () => {
    expect(sentenceOf("alert-delay")).toEqual(["an alert fires once its condition has held for 30 s"]);
    expect(sentenceOf("alert-delay", demoPolicy((d) => (d.alerts.forSeconds = 0)))).toEqual(["an alert fires as soon as its condition is seen"]);
    expect(sentenceOf("drill-approval")).toEqual(["a drill starts its run as soon as it is asked, with no second person"]);
    expect(sentenceOf("drill-approval", demoPolicy((d) => (d.drills.requireApproval = true)))).toEqual([
      "a drill starts nothing until a second person approves it, and expires unapproved after 4.0 h",
    ]);
  });
});
