import { describe, expect, it } from "vitest";
import { policyConsequences } from "./policy-consequences";
import { demoPolicy, demoTopology } from "@/test/fixtures/policy-topology";

const MIB = 1024 * 1024;

describe("policyConsequences", () => {
  it("says nothing when nothing changes", () => {
    expect(policyConsequences(demoPolicy(), demoPolicy(), demoTopology())).toEqual([]);
  });

  it("names the standby a larger lag maximum makes eligible for automatic failover", () => {
    expect(policyConsequences(demoPolicy(), demoPolicy((d) => (d.failover.maxLagBytes = 64 * MIB)), demoTopology())).toEqual([
      "failover.maxLagBytes 1 MiB → 64 MiB: pg-europe-west3 (gcp:europe-west3), lagging 3 MiB now, becomes eligible for automatic failover",
    ]);
  });

  it("names the standby a smaller one makes ineligible, and ignores replicas never promoted or with unknown lag", () => {
    const topology = demoTopology();
    topology.replicas[2] = { ...topology.replicas[2]!, noPromote: true };
    expect(policyConsequences(demoPolicy(), demoPolicy((d) => (d.failover.maxLagBytes = 64)), topology)).toEqual([
      "failover.maxLagBytes 1 MiB → 64 B: pg-eu-west-1 (aws:eu-west-1), lagging 96 B now, is no longer eligible for automatic failover",
    ]);
  });

  it("says so when no standby's eligibility changes", () => {
    expect(policyConsequences(demoPolicy(), demoPolicy((d) => (d.failover.maxLagBytes = 2 * MIB)), demoTopology())).toEqual([
      "failover.maxLagBytes 1 MiB → 2 MiB: no standby's eligibility for automatic failover changes at the lag reported now",
    ]);
  });

  it("warns when automatic failover is turned off, and says when it comes back", () => {
    const off = demoPolicy((d) => (d.failover.automatic = false));
    expect(policyConsequences(demoPolicy(), off, demoTopology())).toEqual([
      "failover.automatic on → off: orders-db no longer fails over by itself; losing the primary's region needs a guided runbook",
    ]);
    expect(policyConsequences(off, demoPolicy(), demoTopology())[0]).toMatch(/^failover.automatic off → on: orders-db fails over by itself again/);
  });

  it("says what having planned switchovers start the cooldown does, both ways", () => {
    const strict = demoPolicy((d) => (d.failover.cooldownAfterSwitchover = true));
    expect(policyConsequences(demoPolicy(), strict, demoTopology())).toEqual([
      "failover.cooldownAfterSwitchover off → on: after a planned switchover of orders-db, automatic failover is held for the cooldown (900 s) unless a person acknowledges it",
    ]);
    expect(policyConsequences(strict, demoPolicy(), demoTopology())).toEqual([
      "failover.cooldownAfterSwitchover on → off: a planned switchover of orders-db leaves automatic failover armed for the new primary",
    ]);
  });

  it("says what rebuilding former primaries with errant transactions does to the MariaDB services it governs, both ways", () => {
    const rebuild = demoPolicy((d) => (d.failover.errantTransactions = "rebuild"));
    const sessions = demoTopology({
      serviceId: "sessions-db",
      replicas: demoTopology().replicas.map((replica) => ({ ...replica, serviceId: "sessions-db", engine: "mariadb" })),
    });
    expect(policyConsequences(demoPolicy(), rebuild, sessions)).toEqual([
      "failover.errantTransactions refuse → rebuild: a former primary of sessions-db holding transactions the new primary lacks is rebuilt from it when it rejoins, those transactions kept only in the dump its agent writes to its formerDataDir first (refused where none is configured)",
    ]);
    expect(policyConsequences(rebuild, demoPolicy(), sessions)).toEqual([
      "failover.errantTransactions rebuild → refuse: a former primary of sessions-db holding transactions the new primary lacks is no longer rebuilt: it stays read-only with its data",
    ]);
  });

  it("names only the MariaDB services among those the global policy governs, and says a PostgreSQL-only subject is not affected", () => {
    const rebuild = demoPolicy((d) => (d.failover.errantTransactions = "rebuild"));
    const mixed = demoTopology({
      serviceId: null,
      replicas: [...demoTopology().replicas, ...demoTopology().replicas.map((replica) => ({ ...replica, serviceId: "sessions-db", engine: "mariadb" as const }))],
    });
    expect(policyConsequences(demoPolicy(), rebuild, mixed)).toEqual([expect.stringMatching(/^failover\.errantTransactions refuse → rebuild: a former primary of sessions-db holding/)]);
    expect(policyConsequences(demoPolicy(), rebuild, demoTopology())).toEqual([
      "failover.errantTransactions refuse → rebuild: no effect on orders-db, which has no MariaDB replica (a PostgreSQL former primary rejoins by discarding its history since the split either way)",
    ]);
  });

  it("says what requiring approval of drills does, both ways", () => {
    const strict = demoPolicy((d) => (d.drills.requireApproval = true));
    expect(policyConsequences(demoPolicy(), strict, demoTopology())).toEqual([
      "drills.requireApproval off → on: a drill of orders-db (a person's, a scheduled one, or a plan drill covering it) starts nothing until a second person approves it, and expires unapproved after 240 min",
    ]);
    expect(policyConsequences(strict, demoPolicy(), demoTopology())).toEqual(["drills.requireApproval on → off: a drill of orders-db starts its run as soon as it is asked, with no second person"]);
  });

  it("says what an added maintenance window does while in force", () => {
    const window = { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "kernel", automaticFailover: "held" as const };
    const held = demoPolicy((d) => d.maintenanceWindows.push(window));
    expect(policyConsequences(demoPolicy(), held, demoTopology())).toEqual([
      "maintenanceWindows: while 2030-01-01T02:00:00Z – 2030-01-01T04:00:00Z (kernel) is in force, automatic failover of orders-db is held and its alerts are marked in maintenance and not sent to webhooks",
    ]);
    const armed = demoPolicy((d) => d.maintenanceWindows.push({ ...window, automaticFailover: "armed" }));
    expect(policyConsequences(demoPolicy(), armed, demoTopology())[0]).toContain("automatic failover of orders-db stays armed");
    expect(policyConsequences(held, demoPolicy(), demoTopology())).toEqual([]);
  });

  it("explains a quorum change against the witness regions", () => {
    expect(policyConsequences(demoPolicy(), demoPolicy((d) => (d.witness.quorum = 1)), demoTopology())).toEqual([
      "witness.quorum 2 → 1: declaring a region unfit needs 1 of its 2 witness regions to lose it; fewer witnesses suffice, so a region is declared unfit sooner",
    ]);
  });

  it("flags a residency change that puts the current primary out of compliance, and standbys that stop being targets", () => {
    const euOnly = demoPolicy((d) => (d.datasets.orders!.residency = { jurisdictions: ["EU"], regions: ["aws:eu-west-1"] }));
    expect(policyConsequences(demoPolicy(), euOnly, demoTopology())).toEqual([
      "datasets.orders.residency: the current primary pg-us-east-1 (aws:us-east-1) of orders-db, in US, would be outside the allowed aws:eu-west-1; orders is non-compliant until a switchover moves it",
      "datasets.orders.residency: pg-europe-west3 (gcp:europe-west3), in EU, is no longer an allowed failover target for orders",
    ]);
  });

  it("explains a replication mode change and a longer heartbeat window", () => {
    const after = demoPolicy((d) => {
      d.datasets.orders!.replication = "async";
      d.heartbeat.missesBeforeUnfit = 10;
    });
    expect(policyConsequences(demoPolicy(), after, demoTopology())).toEqual([
      "heartbeat: a replica whose reports stop is judged unfit after 10 s instead of 5 s",
      "heartbeat: a lost primary's successor may be promoted 11.4 s after its witnesses first fail to reach it instead of 6.3 s (the later of the window and the primary's lease lapsing)",
      "datasets.orders.replication sync → async: writes to orders acknowledged before a standby has them can be lost on failover (RPO above 0)",
    ]);
  });

  it("explains a shorter primary lease by when a lost primary's successor may be promoted", () => {
    const after = demoPolicy((d) => {
      d.heartbeat = { intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 2.2 };
    });
    expect(policyConsequences(demoPolicy(), after, demoTopology())).toEqual([
      "heartbeat: a replica whose reports stop is judged unfit after 3.5 s instead of 5 s",
      "heartbeat: a lost primary's successor may be promoted 3.5 s after its witnesses first fail to reach it instead of 6.3 s (the later of the window and the primary's lease lapsing)",
    ]);
  });
});
