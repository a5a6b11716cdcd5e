import { describe, expect, it } from "vitest";
import { fleetDocumentSchema } from "@/contracts/topology";
import { OBSERVATION_IDS, OBSERVATIONS, QUESTION_IDS, QUESTIONS, REFUSAL_IDS, REFUSALS } from "./findings";
import type { DiscoveryProposal } from "@/contracts/discovery";
import { proposeTopology, type DiscoveryOutcome, type DiscoveryRequest } from "./propose-topology";
import type { ServerReading } from "./readings";
import { primaryReading, receiverConninfo, sender, slot, standbyReading, SYSTEM_ID } from "@/test/fixtures/discovery-readings";

const ORDERS: DiscoveryRequest = { serviceId: "orders-db", name: "Orders" };

/** The lab's shape: one sync and one async standby, each with its slot. */
const lab = () =>
  primaryReading({
    synchronousStandbyNames: 'FIRST 1 ("pg-eu-west-1")',
    walSenders: [sender("pg-europe-west3", 202), sender("pg-eu-west-1", 201, { syncState: "sync" })],
    slots: [slot("pg_eu_west_1", 201), slot("pg_europe_west3", 202)],
  });

function proposed(outcome: DiscoveryOutcome) {
  if (outcome.kind !== "proposed") throw new Error(`refused: ${outcome.refusal.reason}`);
  return outcome;
}

function refused(outcome: DiscoveryOutcome) {
  if (outcome.kind !== "refused") throw new Error("proposed, not refused");
  return outcome.refusal;
}

const ids = (found: { id: string }[]) => found.map((item) => item.id);
const paths = (outcome: DiscoveryOutcome) => proposed(outcome).questions.map((item) => `${item.id} ${item.path}`);

/** Writes an answer where a question says it goes. */
function answer(proposal: DiscoveryProposal, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = proposal as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

const ANSWERS: Record<string, (path: string) => unknown> = {
  "service-id": () => "orders-db",
  "service-name": () => "Orders",
  "primary-name": () => "pg-us-east-1",
  "primary-field": () => "pg-us-east-1",
  "primary-replication": () => "sync",
  "standby-host": () => "db9.example.com",
  "standby-port": () => 5432,
  database: () => "orders",
  "replica-region": () => "aws:eu-west-1",
  regions: () => [{ cloud: "aws", code: "eu-west-1", jurisdiction: "EU", displayName: "Ireland" }],
  datasets: () => [{ name: "orders", ownerTeam: "payments", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
};

describe("the proposal for the lab's topology (a primary, a sync and an async standby)", () => {
  const outcome = proposed(proposeTopology(ORDERS, lab(), []));

  it("lists the three replicas: the primary first, then the standbys by application_name, sync and async from synchronous_standby_names", () => {
    expect(outcome.proposal).toEqual({
      version: 1,
      services: [
        {
          id: "orders-db",
          name: "Orders",
          engine: "postgresql",
          replicas: [
            { host: "db1.example.com", port: 5432, database: "orders" },
            { name: "pg-eu-west-1", database: "orders", replication: "sync" },
            { name: "pg-europe-west3", database: "orders", replication: "async" },
          ],
        },
      ],
    });
    expect(outcome.observations).toEqual([]);
  });

  it("asks for what PostgreSQL cannot know, each at its path, and never offers client_addr as an endpoint", () => {
    expect(paths(outcome)).toEqual([
      "primary-name services.0.replicas.0.name",
      "primary-field services.0.primary",
      "replica-region services.0.replicas.0.region",
      "primary-replication services.0.replicas.0.replication",
      "standby-host services.0.replicas.1.host",
      "standby-port services.0.replicas.1.port",
      "replica-region services.0.replicas.1.region",
      "standby-host services.0.replicas.2.host",
      "standby-port services.0.replicas.2.port",
      "replica-region services.0.replicas.2.region",
      "regions regions",
      "datasets services.0.datasets",
    ]);
    const host = outcome.questions.find((item) => item.path === "services.0.replicas.1.host")!;
    expect(host.question).toBe(
      "Where pg-eu-west-1 listens for connections: give its URL under standbyUrls, or fill in its host. The primary sees it connect from 10.0.0.201, which is where it connects from, not where it listens",
    );
    expect(JSON.stringify(outcome.proposal)).not.toContain("10.0.0.");
  });

  it("fails the fleet document's validation until every question with a place is answered, then passes", () => {
    const proposal = structuredClone(outcome.proposal);
    expect(fleetDocumentSchema.safeParse(proposal).success).toBe(false);
    for (const item of outcome.questions) answer(proposal, item.path, ANSWERS[item.id]!(item.path));
    const parsed = fleetDocumentSchema.safeParse(proposal);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("does not validate with any single answer missing", () => {
    for (const skipped of outcome.questions.filter((item) => item.id !== "regions" && item.id !== "datasets")) {
      const proposal = structuredClone(outcome.proposal);
      for (const item of outcome.questions) if (item !== skipped) answer(proposal, item.path, ANSWERS[item.id]!(item.path));
      expect(fleetDocumentSchema.safeParse(proposal).success, skipped.path).toBe(false);
    }
  });
});

describe("service identity", () => {
  it("asks for the service's id and name when the request gives none", () => {
    expect(paths(proposeTopology({}, lab(), [])).slice(0, 2)).toEqual(["service-id services.0.id", "service-name services.0.name"]);
  });

  it("takes the primary's name from the application_name in its own primary_conninfo (left from when it was a standby)", () => {
    const primary = lab();
    primary.details!.primaryConninfo = { readable: true, value: "host=db2 port=5432 user=r password='p w' application_name=pg-us-east-1" };
    const outcome = proposed(proposeTopology(ORDERS, primary, []));
    expect(outcome.proposal.services[0].primary).toBe("pg-us-east-1");
    expect(outcome.proposal.services[0].replicas[0]).toEqual({ name: "pg-us-east-1", host: "db1.example.com", port: 5432, database: "orders" });
    expect(paths(outcome).slice(0, 2)).toEqual(["replica-region services.0.replicas.0.region", "primary-replication services.0.replicas.0.replication"]);
    expect(outcome.questions[1]!.question).toMatch(/^Whether pg-us-east-1 should be a synchronous standby/);
  });

  it.each([
    [{ readable: false as const, reason: "permission denied" }, "its primary_conninfo cannot be read (permission denied: grant the role pg_monitor, or pg_read_all_settings)"],
    [{ readable: true as const, value: "" }, "it has no primary_conninfo, so it never streamed under a name"],
    [{ readable: true as const, value: "host=db2 user=r" }, "its primary_conninfo names no application_name"],
    [{ readable: true as const, value: "host=db2 application_name=pg-eu-west-1" }, 'its primary_conninfo names "pg-eu-west-1", which a standby streams as now'],
  ])("asks the primary's name, saying why: %j", (primaryConninfo, why) => {
    const primary = lab();
    primary.details!.primaryConninfo = primaryConninfo;
    const outcome = proposed(proposeTopology(ORDERS, primary, []));
    expect(outcome.questions[0]).toEqual({
      id: "primary-name",
      path: "services.0.replicas.0.name",
      question: `What to call the primary at db1.example.com:5432, the application_name it will stream as when it is a standby: ${why}`,
    });
    expect(outcome.proposal.services[0].primary).toBeUndefined();
  });

  it("keeps an application_name that is not a valid replica name as it is, and asks to rename it", () => {
    const outcome = proposed(proposeTopology(ORDERS, primaryReading({ walSenders: [sender("Standby_1", 7)], slots: [slot("s1", 7)] }), []));
    expect(outcome.proposal.services[0].replicas[1]!.name).toBe("Standby_1");
    expect(outcome.questions).toContainEqual({
      id: "replica-name-invalid",
      path: "services.0.replicas.1.name",
      question:
        '"Standby_1" is not a valid replica name (a replica name must be lower-case letters, digits and inner dashes); Switchyard matches replicas to standbys by application_name, so rename the standby\'s application_name in its primary_conninfo (and in synchronous_standby_names) and discover again',
    });
  });

  it("asks for each replica's database when the primary's URL names none", () => {
    const outcome = proposed(proposeTopology(ORDERS, lab(), []));
    const primary = lab();
    primary.endpoint.database = null;
    const without = proposed(proposeTopology(ORDERS, primary, []));
    expect(without.proposal.services[0].replicas.map((replica) => replica.database)).toEqual([undefined, undefined, undefined]);
    expect(paths(without).filter((item) => item.startsWith("database"))).toEqual([
      "database services.0.replicas.0.database",
      "database services.0.replicas.1.database",
      "database services.0.replicas.2.database",
    ]);
    expect(outcome.questions.some((item) => item.id === "database")).toBe(false);
  });
});

describe("sync or async, as synchronous_standby_names decides", () => {
  const replication = (names: string, senders = [sender("a", 1), sender("b", 2), sender("c", 3)]) => {
    const outcome = proposed(proposeTopology(ORDERS, primaryReading({ synchronousStandbyNames: names, walSenders: senders, slots: senders.map((s) => slot(s.applicationName, s.pid)) }), []));
    return { modes: outcome.proposal.services[0].replicas.slice(1).map((replica) => `${replica.name}:${replica.replication}`), outcome };
  };

  it("everyone async when the setting is empty", () => {
    expect(replication("").modes).toEqual(["a:async", "b:async", "c:async"]);
  });

  it("the named ones sync with FIRST n, a bare list and the old n (…) form, the rest async", () => {
    expect(replication('FIRST 1 ("a", b)').modes).toEqual(["a:sync", "b:sync", "c:async"]);
    expect(replication("b").modes).toEqual(["a:async", "b:sync", "c:async"]);
    expect(replication("2 (a, c)").modes).toEqual(["a:sync", "b:async", "c:sync"]);
  });

  it("ignores ASCII case, as the primary does", () => {
    expect(replication('"A", B').modes).toEqual(["a:sync", "b:sync", "c:async"]);
  });

  it("a potential standby is sync, with a note saying why", () => {
    const { modes, outcome } = replication("FIRST 1 (a, b)", [sender("a", 1, { syncState: "sync" }), sender("b", 2, { syncState: "potential" })]);
    expect(modes).toEqual(["a:sync", "b:sync"]);
    expect(outcome.observations).toEqual([
      {
        id: "potential-standby",
        observation:
          "b is a potential synchronous standby (named in synchronous_standby_names behind the ones confirming commits now): proposed as sync, since it confirms commits as soon as one ahead of it drops",
      },
    ]);
  });

  it("every member of an ANY quorum is sync, noting the quorum and how many confirm", () => {
    const { modes, outcome } = replication("ANY 2 (a, b, c)", [sender("a", 1, { syncState: "quorum" }), sender("b", 2, { syncState: "quorum" }), sender("c", 3, { syncState: "quorum" })]);
    expect(modes).toEqual(["a:sync", "b:sync", "c:sync"]);
    expect(ids(outcome.observations)).toEqual(["quorum", "sync-count"]);
    expect(outcome.observations[0]!.observation).toBe(
      "synchronous_standby_names is a quorum: each commit waits for any 2 of a, b, c; each of them is proposed as sync, since any commit may wait on it",
    );
    expect(outcome.observations[1]!.observation).toBe("Each commit waits for 2 standbys; the fleet document records which standbys are synchronous, not how many must confirm a commit");
  });

  it("* names every standby", () => {
    const { modes, outcome } = replication("*", [sender("a", 1, { syncState: "sync" }), sender("b", 2, { syncState: "potential" })]);
    expect(modes).toEqual(["a:sync", "b:sync"]);
    expect(ids(outcome.observations)).toEqual(["wildcard", "potential-standby"]);
  });

  it("notes when the primary reports otherwise than the setting says", () => {
    const { outcome } = replication("a", [sender("a", 1, { syncState: "async" }), sender("b", 2, { syncState: "sync" })]);
    expect(outcome.observations.map((item) => item.observation)).toEqual([
      "a is proposed as sync from synchronous_standby_names, but the primary reports it as async (a setting changed and not yet reloaded?)",
      "b is proposed as async from synchronous_standby_names, but the primary reports it as sync (a setting changed and not yet reloaded?)",
    ]);
  });

  it("asks about a named standby that does not stream now, but not about the primary's own name or *", () => {
    const primary = primaryReading({
      synchronousStandbyNames: 'FIRST 1 ("pg-us-east-1", a, gone, *)',
      primaryConninfo: { readable: true, value: "application_name=pg-us-east-1" },
      walSenders: [sender("a", 1, { syncState: "sync" })],
      slots: [slot("a", 1)],
    });
    const outcome = proposed(proposeTopology(ORDERS, primary, []));
    expect(outcome.questions.filter((item) => item.id === "missing-sync-standby")).toEqual([
      {
        id: "missing-sync-standby",
        path: "services.0.replicas",
        question: 'synchronous_standby_names names "gone", which does not stream from the primary now: if it is a standby that is down, add it as sync',
      },
    ]);
  });
});

describe("standby URLs", () => {
  const eu = (details = {}) => standbyReading({ field: "standbyUrls.0", host: "db2.example.com", name: "pg-eu-west-1", slotName: "pg_eu_west_1", details });
  const europe = () => standbyReading({ field: "standbyUrls.1", host: "db3.example.com", name: "pg-europe-west3", slotName: "pg_europe_west3" });

  it("fill in the standbys' endpoints, so only regions and the primary remain to ask", () => {
    const outcome = proposed(proposeTopology(ORDERS, lab(), [europe(), eu()]));
    expect(outcome.proposal.services[0].replicas.slice(1)).toEqual([
      { name: "pg-eu-west-1", host: "db2.example.com", port: 5432, database: "orders", replication: "sync" },
      { name: "pg-europe-west3", host: "db3.example.com", port: 5432, database: "orders", replication: "async" },
    ]);
    expect(paths(outcome).filter((item) => /host|port/.test(item))).toEqual([]);
    expect(outcome.observations).toEqual([]);
  });

  it("are cross-checked against their WAL receiver and primary_conninfo, noting what disagrees", () => {
    const standby = standbyReading({
      field: "standbyUrls.0",
      host: "db2.example.com",
      name: "pg-eu-west-1",
      slotName: "pg_eu_west_1",
      upstream: { host: "10.1.0.1", port: 6432 },
      details: { primaryConninfo: { readable: true, value: "host=db1-old port=5432 application_name=eu1" } },
    });
    const outcome = proposed(proposeTopology(ORDERS, lab(), [standby]));
    expect(outcome.observations.map((item) => item.observation)).toEqual([
      "pg-eu-west-1 reaches its upstream at 10.1.0.1:6432, while the URL given for it names db1.example.com:5432 (a proxy, or another name for the same server?)",
      "pg-eu-west-1's primary_conninfo says application_name eu1, but its WAL receiver uses application_name pg-eu-west-1 (primary_conninfo changed and not yet reloaded?)",
      "pg-eu-west-1's primary_conninfo says db1-old:5432, but its WAL receiver uses 10.1.0.1:6432 (primary_conninfo changed and not yet reloaded?)",
    ]);
  });

  it("say when a standby's primary_conninfo cannot be read, and go on", () => {
    const outcome = proposed(proposeTopology(ORDERS, lab(), [eu({ primaryConninfo: { readable: false, reason: "permission denied" } })]));
    expect(outcome.observations).toEqual([
      {
        id: "conninfo-unreadable",
        observation: "pg-eu-west-1's primary_conninfo cannot be read (permission denied: grant the role pg_monitor, or pg_read_all_settings); only its WAL receiver was cross-checked",
      },
    ]);
  });

  it("know a standby without application_name by the name its WAL receiver falls back to", () => {
    const primary = primaryReading({ walSenders: [sender("walreceiver", 5)], slots: [slot("s", 5)] });
    const standby = standbyReading({ field: "standbyUrls.0", host: "db2.example.com", name: "walreceiver", slotName: "s" });
    standby.details!.walReceiver!.conninfo = receiverConninfo({ host: "db1.example.com", port: 5432 }, null);
    standby.details!.primaryConninfo = { readable: true, value: "host=db1.example.com" };
    const outcome = proposed(proposeTopology(ORDERS, primary, [standby]));
    expect(outcome.proposal.services[0].replicas[1]).toMatchObject({ name: "walreceiver", host: "db2.example.com" });
  });
});

describe("cascading standbys", () => {
  const s1 = () =>
    standbyReading({
      field: "standbyUrls.0",
      host: "db2.example.com",
      name: "s1",
      slotName: "s1",
      details: { walSenders: [sender("s3", 31)], slots: [] },
    });
  const s3 = (field: "standbyUrls.0" | "standbyUrls.1" = "standbyUrls.1") =>
    standbyReading({ field, host: "db3.example.com", name: "s3", upstream: { host: "db2.example.com", port: 5432 } });
  const primary = () => primaryReading({ synchronousStandbyNames: "*", walSenders: [sender("s1", 11, { syncState: "sync" })], slots: [slot("s1", 11)] });

  it("are listed after the primary's own standbys, async, reported as cascading", () => {
    const outcome = proposed(proposeTopology(ORDERS, primary(), [s1(), s3()]));
    expect(outcome.proposal.services[0].replicas.slice(1)).toEqual([
      { name: "s1", host: "db2.example.com", port: 5432, database: "orders", replication: "sync" },
      { name: "s3", host: "db3.example.com", port: 5432, database: "orders", replication: "async" },
    ]);
    expect(outcome.observations.map((item) => item.observation)).toEqual([
      "synchronous_standby_names holds *, which names every standby: each standby of the primary is proposed as sync",
      "s3 streams from the standby db2.example.com:5432, not from the primary (cascading replication): proposed as async, since only the primary's own standbys can be synchronous",
      "s3 streams without a replication slot: its upstream may remove WAL it still needs",
    ]);
  });

  it("are found through the standby they stream from, even without their own URL", () => {
    const outcome = proposed(proposeTopology(ORDERS, primary(), [s1()]));
    expect(outcome.proposal.services[0].replicas[2]).toEqual({ name: "s3", database: "orders", replication: "async" });
    expect(paths(outcome)).toContain("standby-host services.0.replicas.2.host");
  });

  it("are refused when the standby they stream from was not given", () => {
    expect(refused(proposeTopology(ORDERS, primary(), [s3("standbyUrls.0")]))).toEqual({
      id: "standby-not-streaming-here",
      field: "standbyUrls.0",
      reason:
        'db3.example.com:5432 (as "s3") streams neither from the primary nor from a standby given: its WAL receiver reads from db2.example.com:5432; give its upstream\'s URL too, or leave it out until it streams',
    });
  });
});

describe("what is not a standby, or not one yet", () => {
  it("leaves out logical replication connections and base backups, saying so", () => {
    const primary = primaryReading({
      walSenders: [sender("sub1", 1, { database: "orders" }), sender("pg_basebackup", 2, { state: "backup" }), sender("a", 3)],
      slots: [slot("a", 3), slot("sub1", 1, { type: "logical" })],
    });
    const outcome = proposed(proposeTopology(ORDERS, primary, []));
    expect(outcome.proposal.services[0].replicas.map((replica) => replica.name)).toEqual([undefined, "a"]);
    expect(outcome.observations.map((item) => item.observation)).toEqual([
      '"sub1" is a logical replication connection to database orders on db1.example.com:5432, not a standby: left out',
      '"pg_basebackup" is taking a base backup from db1.example.com:5432, not streaming as a standby: left out',
    ]);
  });

  it("notes a standby still catching up, and one without a slot", () => {
    const outcome = proposed(proposeTopology(ORDERS, primaryReading({ walSenders: [sender("a", 3, { state: "catchup" })] }), []));
    expect(ids(outcome.observations)).toEqual(["not-streaming-yet", "no-slot"]);
    expect(outcome.observations[0]!.observation).toBe("a is connected but in state catchup, not streaming yet");
  });

  it("asks about a physical slot nobody uses, not about a logical one", () => {
    const primary = primaryReading({ walSenders: [sender("a", 3)], slots: [slot("a", 3), slot("old_standby", null), slot("cdc", null, { type: "logical" })] });
    expect(proposed(proposeTopology(ORDERS, primary, [])).questions.filter((item) => item.id === "inactive-slot")).toEqual([
      {
        id: "inactive-slot",
        path: "services.0.replicas",
        question:
          "Replication slot old_standby on the primary is not in use: if a standby that is down streams through it, add that standby; if none does, drop the slot, which keeps WAL on the primary",
      },
    ]);
  });

  it("proposes a single server as a service of one replica, asking about standbys that may be down", () => {
    const outcome = proposed(proposeTopology(ORDERS, primaryReading(), []));
    expect(outcome.proposal.services[0].replicas).toEqual([{ host: "db1.example.com", port: 5432, database: "orders" }]);
    expect(outcome.questions.at(-1)).toEqual({
      id: "no-standbys",
      path: "services.0.replicas",
      question: "No standby streams from db1.example.com:5432. One server is a valid service, but Switchyard can fail over only to a standby: add any standbys that are down",
    });
  });
});

describe("refusals, each naming the field to fix", () => {
  const standby = (overrides: Partial<Parameters<typeof standbyReading>[0]> = {}) =>
    standbyReading({ field: "standbyUrls.0", host: "db2.example.com", name: "pg-eu-west-1", slotName: "pg_eu_west_1", ...overrides });

  it.each<[string, () => [ServerReading, ServerReading[]], { id: string; field: string; reason: string }]>([
    [
      "a primary older than PostgreSQL 12",
      () => [primaryReading({}, { versionNum: 110_022, version: "11.22", details: null }), []],
      {
        id: "server-too-old",
        field: "primaryUrl",
        reason: "db1.example.com:5432 runs PostgreSQL 11.22; discovery needs PostgreSQL 12 or later, where primary_conninfo is a setting it can read",
      },
    ],
    [
      "a standby older than PostgreSQL 12",
      () => [lab(), [{ ...standby(), versionNum: 110_022, version: "11.22", details: null }]],
      {
        id: "server-too-old",
        field: "standbyUrls.0",
        reason: "db2.example.com:5432 runs PostgreSQL 11.22; discovery needs PostgreSQL 12 or later, where primary_conninfo is a setting it can read",
      },
    ],
    [
      "a standby's URL given as the primary's",
      () => [{ ...standby(), field: "primaryUrl" }, []],
      {
        id: "not-a-primary",
        field: "primaryUrl",
        reason:
          "db2.example.com:5432 is in recovery, so it is a standby (it streams from db1.example.com:5432), not a primary: give the primary's URL as primaryUrl and this one under standbyUrls",
      },
    ],
    [
      "a role that cannot see pg_stat_replication's details",
      () => [primaryReading({ walSenders: [sender("a", 1, { state: null, syncState: null, clientAddr: null })] }), []],
      {
        id: "replication-hidden",
        field: "primaryUrl",
        reason:
          "role monitor may not see the replication details on db1.example.com:5432 (pg_stat_replication and pg_stat_wal_receiver show it nothing but process ids): grant the role pg_monitor, or pg_read_all_stats",
      },
    ],
    [
      "a role that cannot see a standby's WAL receiver",
      () => [lab(), [standby({ details: { walReceiver: { status: null, senderHost: null, senderPort: null, slotName: null, conninfo: null } } })]],
      {
        id: "replication-hidden",
        field: "standbyUrls.0",
        reason:
          "role monitor may not see the replication details on db2.example.com:5432 (pg_stat_replication and pg_stat_wal_receiver show it nothing but process ids): grant the role pg_monitor, or pg_read_all_stats",
      },
    ],
    [
      "a standby URL that reaches a primary",
      () => [lab(), [standby({ details: { inRecovery: false, walReceiver: null } })]],
      {
        id: "standby-not-in-recovery",
        field: "standbyUrls.0",
        reason:
          "db2.example.com:5432 is not in recovery: it takes writes itself, so it is not a standby of this primary (a second primary?); leave it out, or check which server is the primary",
      },
    ],
    [
      "a standby of another cluster",
      () => [lab(), [standby({ details: { systemIdentifier: "7000000000000000001" } })]],
      {
        id: "other-cluster",
        field: "standbyUrls.0",
        reason: `db2.example.com:5432 belongs to another cluster: its system identifier 7000000000000000001 is not db1.example.com:5432's ${SYSTEM_ID}, so it cannot stream from this primary`,
      },
    ],
    [
      "a synchronous_standby_names that does not parse",
      () => [primaryReading({ synchronousStandbyNames: "pg-eu-west-1" }), []],
      {
        id: "standby-names-unreadable",
        field: "primaryUrl",
        reason: 'synchronous_standby_names on db1.example.com:5432 does not parse (syntax error at or near "-"), so discovery cannot tell sync standbys from async ones',
      },
    ],
    [
      "two standbys streaming under one name",
      () => [primaryReading({ walSenders: [sender("walreceiver", 1), sender("walreceiver", 2)] }), []],
      {
        id: "duplicate-application-name",
        field: "primaryUrl",
        reason:
          'more than one standby streams as "walreceiver" (from db1.example.com:5432): Switchyard tells replicas apart by application_name, so give each standby its own in its primary_conninfo',
      },
    ],
    [
      "two standbys whose names differ only in case",
      () => [primaryReading({ walSenders: [sender("Eu", 1), sender("eu", 2)] }), []],
      {
        id: "duplicate-application-name",
        field: "primaryUrl",
        reason: 'more than one standby streams as "Eu" (from db1.example.com:5432): Switchyard tells replicas apart by application_name, so give each standby its own in its primary_conninfo',
      },
    ],
    [
      "a cascaded standby named like a direct one",
      () => [lab(), [standby({ details: { walSenders: [sender("pg-europe-west3", 9)] } })]],
      {
        id: "duplicate-application-name",
        field: "primaryUrl",
        reason:
          'more than one standby streams as "pg-europe-west3" (from db1.example.com:5432, db2.example.com:5432): Switchyard tells replicas apart by application_name, so give each standby its own in its primary_conninfo',
      },
    ],
    [
      "the same standby given twice",
      () => [lab(), [standby(), standby({ field: "standbyUrls.1", host: "10.0.0.201" })]],
      {
        id: "same-standby-twice",
        field: "standbyUrls.1",
        reason: '10.0.0.201:5432 and db2.example.com:5432 are the same standby (both stream as "pg-eu-west-1"): give each standby\'s URL once',
      },
    ],
    [
      "a standby whose WAL receiver is not running",
      () => [lab(), [standby({ details: { walReceiver: null } })]],
      {
        id: "standby-not-streaming-here",
        field: "standbyUrls.0",
        reason:
          'db2.example.com:5432 (as "pg-eu-west-1") streams neither from the primary nor from a standby given: its WAL receiver is not running; give its upstream\'s URL too, or leave it out until it streams',
      },
    ],
    [
      "a standby the primary does not list",
      () => [lab(), [standby({ name: "pg-ap-south-1", upstream: { host: "db7.example.com", port: 5432 } })]],
      {
        id: "standby-not-streaming-here",
        field: "standbyUrls.0",
        reason:
          'db2.example.com:5432 (as "pg-ap-south-1") streams neither from the primary nor from a standby given: its WAL receiver reads from db7.example.com:5432; give its upstream\'s URL too, or leave it out until it streams',
      },
    ],
    [
      "a standby whose slot is not the one the primary's walsender of that name holds",
      () => [lab(), [standby({ slotName: "other_slot" })]],
      {
        id: "slot-mismatch",
        field: "standbyUrls.0",
        reason:
          'db2.example.com:5432 streams as "pg-eu-west-1" through slot other_slot, but db1.example.com:5432\'s walsender for "pg-eu-west-1" holds slot pg_eu_west_1: two servers call themselves "pg-eu-west-1"',
      },
    ],
  ])("%s", (_, readings, expected) => {
    const [primary, standbys] = readings();
    expect(refused(proposeTopology(ORDERS, primary, standbys))).toEqual(expected);
  });

  it("checks versions before anything else, so an old server is never misread", () => {
    const old = { ...standby(), field: "primaryUrl" as const, versionNum: 90_624, version: "9.6.24", details: null };
    expect(refused(proposeTopology(ORDERS, old, [])).id).toBe("server-too-old");
  });
});

describe("the findings tables", () => {
  it("have kebab-case ids and one sentence each, without a closing full stop", () => {
    for (const id of [...REFUSAL_IDS, ...QUESTION_IDS, ...OBSERVATION_IDS]) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set([...REFUSAL_IDS, ...QUESTION_IDS, ...OBSERVATION_IDS]).size).toBe(REFUSAL_IDS.length + QUESTION_IDS.length + OBSERVATION_IDS.length);
    expect(Object.keys(REFUSALS).length + Object.keys(QUESTIONS).length + Object.keys(OBSERVATIONS).length).toBeGreaterThan(30);
  });

  it("point every question at a place in the fleet document", () => {
    for (const id of QUESTION_IDS) {
      const path = QUESTIONS[id].path({ index: 2 } as never);
      expect(path, id).toMatch(/^(regions|services\.0\.(id|name|primary|datasets|replicas(\.\d+\.(name|host|port|database|region|replication))?))$/);
    }
  });
});
