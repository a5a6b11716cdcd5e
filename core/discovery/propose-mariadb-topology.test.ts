import { describe, expect, it } from "vitest";
import type { DiscoveryProposal } from "@/contracts/discovery";
import { fleetDocumentSchema } from "@/contracts/topology";
import { primary, registered, replica, server, source, VERSION } from "@/test/fixtures/mariadb-discovery-readings";
import { MARIADB_OBSERVATION_IDS, MARIADB_QUESTION_IDS, MARIADB_QUESTIONS, MARIADB_REFUSAL_IDS } from "./mariadb-findings";
import type { MariadbServerReading, MariadbUnreadServer } from "./mariadb-readings";
import { MAX_SERVERS_WALKED, mariadbServersToRead, proposeMariadbTopology } from "./propose-mariadb-topology";
import type { DiscoveryOutcome, DiscoveryRequest } from "./propose-topology";

const SESSIONS: DiscoveryRequest = { serviceId: "sessions-db", name: "Sessions" };

function proposed(outcome: DiscoveryOutcome) {
  if (outcome.kind !== "proposed") throw new Error(`refused: ${outcome.refusal.reason}`);
  return outcome;
}

function refused(outcome: DiscoveryOutcome) {
  if (outcome.kind !== "refused") throw new Error("proposed, not refused");
  return outcome.refusal;
}

const ids = (found: { id: string }[]) => found.map((item) => item.id);
const questionsOf = (outcome: DiscoveryOutcome) => proposed(outcome).questions.map((item) => `${item.id} ${item.path}`);
const observation = (outcome: DiscoveryOutcome, id: string) => proposed(outcome).observations.find((item) => item.id === id)?.observation;

/** The walk from the replica sessions-eu: its source read, sessions-de listed at a report_host that does not resolve. */
const seedEu = () => replica(2, "sessions-eu", 3312);
const walkedPrimary = (): MariadbServerReading => ({ ...primary(), reachedBy: { kind: "source-of", serverId: 2 } });
const deUnread: MariadbUnreadServer = { reachedBy: { kind: "registered-at", serverId: 1 }, endpoint: { host: "sessions-de", port: 3313 }, error: "getaddrinfo ENOTFOUND sessions-de" };

function answer(proposal: DiscoveryProposal, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = proposal as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

describe("the walk from a seed", () => {
  it("goes from a replica to its source first", () => {
    expect(mariadbServersToRead([seedEu()], [])).toEqual([{ endpoint: { host: "127.0.0.1", port: 3311 }, reachedBy: { kind: "source-of", serverId: 2 } }]);
  });

  it("goes from a primary to each replica it lists at report_host:report_port, except those read already (by server_id) or tried", () => {
    expect(mariadbServersToRead([seedEu(), walkedPrimary()], [])).toEqual([{ endpoint: { host: "sessions-de", port: 3313 }, reachedBy: { kind: "registered-at", serverId: 1 } }]);
    expect(mariadbServersToRead([seedEu(), walkedPrimary()], [deUnread])).toEqual([]);
  });

  it("does not read a source again that was read at another address", () => {
    const atLocalhost = { ...walkedPrimary(), endpoint: { host: "localhost", port: 3311, database: "sessions" } };
    expect(mariadbServersToRead([seedEu(), atLocalhost], [deUnread])).toEqual([]);
  });

  it(`stops after ${MAX_SERVERS_WALKED} servers`, () => {
    const many = Array.from({ length: 40 }, (_, index) => registered(index + 10, `replica-${index}`, 4000 + index));
    const wide = primary({ replicas: { readable: true, rows: many } });
    expect(mariadbServersToRead([wide], [])).toHaveLength(MAX_SERVERS_WALKED - 1);
  });
});

describe("the proposal from a replica seed (a primary, two semi-synchronous replicas, one not reachable by its report_host)", () => {
  const outcome = proposed(proposeMariadbTopology(SESSIONS, [seedEu(), walkedPrimary()], [deUnread]));

  it("lists the primary first, then its replicas by report_host, semi-synchronous ones as sync", () => {
    expect(outcome.proposal).toEqual({
      version: 1,
      services: [
        {
          id: "sessions-db",
          name: "Sessions",
          engine: "mariadb",
          primary: "sessions-us",
          replicas: [
            { name: "sessions-us", host: "127.0.0.1", port: 3311, database: "sessions" },
            { name: "sessions-eu", host: "127.0.0.1", port: 3312, database: "sessions", replication: "sync" },
            // The primary counts two acknowledging clients; sessions-eu is one, so the unread one is the other.
            { name: "sessions-de", database: "sessions", replication: "sync" },
          ],
        },
      ],
    });
  });

  it("asks for the unread replica's host and port, saying where it was tried and why it failed", () => {
    expect(questionsOf(outcome)).toEqual([
      "replica-region services.0.replicas.0.region",
      "primary-replication services.0.replicas.0.replication",
      "replica-region services.0.replicas.1.region",
      "standby-host services.0.replicas.2.host",
      "standby-port services.0.replicas.2.port",
      "replica-region services.0.replicas.2.region",
      "regions regions",
      "datasets services.0.datasets",
    ]);
    expect(outcome.questions.find((item) => item.id === "standby-host")?.question).toContain("sessions-de:3313 (report_host:report_port), which discovery could not read (getaddrinfo ENOTFOUND sessions-de)");
  });

  it("notes the quorum of semi-synchronous replicas, the unread replica and every GTID position", () => {
    expect(ids(outcome.observations)).toEqual(["unreached", "semi-sync", "gtid-positions"]);
    expect(observation(outcome, "semi-sync")).toContain("sessions-eu, sessions-de proposed as sync");
    expect(observation(outcome, "gtid-positions")).toBe("GTID positions: sessions-us (primary) wrote up to 0-1-42; sessions-eu applied 0-1-42");
  });

  it("becomes a valid fleet document with engine mariadb once each question is answered at its path", () => {
    const document = structuredClone(outcome.proposal);
    const answers: Record<string, unknown> = {
      "replica-region": "aws:eu-west-1",
      "primary-replication": "sync",
      "standby-host": "db3.example.com",
      "standby-port": 3313,
      regions: [{ cloud: "aws", code: "eu-west-1", jurisdiction: "EU", displayName: "Ireland" }],
      datasets: [{ name: "sessions", ownerTeam: "identity", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
    };
    for (const item of outcome.questions) answer(document, item.path, answers[item.id]);
    const parsed = fleetDocumentSchema.safeParse(document);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.services[0]?.engine).toBe("mariadb");
  });

  it("proposes the same members with every endpoint when the third replica's URL is given, and asks no host", () => {
    const given = proposed(proposeMariadbTopology(SESSIONS, [seedEu(), replica(3, "sessions-de", 3313, {}, "standbyUrls.0"), walkedPrimary()], []));
    expect(given.proposal.services[0].replicas.map((item) => [item.name, item.port, item.replication])).toEqual([
      ["sessions-us", 3311, undefined],
      ["sessions-eu", 3312, "sync"],
      ["sessions-de", 3313, "sync"],
    ]);
    expect(ids(given.questions)).not.toContain("standby-host");
  });

  it("is the same from the primary as seed", () => {
    const fromPrimary = proposed(proposeMariadbTopology(SESSIONS, [primary(), { ...seedEu(), reachedBy: { kind: "registered-at", serverId: 1 } }], [deUnread]));
    expect(fromPrimary.proposal).toEqual(outcome.proposal);
  });
});

describe("what discovery refuses, naming the field to fix", () => {
  it("an account without the privileges, naming the GRANT", () => {
    const hidden = replica(2, "sessions-eu", 3312, { sources: { readable: false, reason: "Access denied; you need (at least one of) the SUPER, SLAVE MONITOR privilege(s)" } });
    const refusal = refused(proposeMariadbTopology(SESSIONS, [hidden], []));
    expect(refusal).toMatchObject({ id: "privileges-missing", field: "primaryUrl" });
    expect(refusal.reason).toContain("GRANT SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'switchyard_discovery'@'%';");
    const unlisted = primary({ replicas: { readable: false, reason: "denied" } });
    expect(refused(proposeMariadbTopology(SESSIONS, [unlisted], [])).reason).toContain("may not run SHOW REPLICA HOSTS");
  });

  it("a server that is not MariaDB, or older than 10.6", () => {
    expect(refused(proposeMariadbTopology(SESSIONS, [{ ...primary(), version: "8.0.36", details: null }], [])).id).toBe("not-mariadb");
    expect(refused(proposeMariadbTopology(SESSIONS, [{ ...primary(), version: "10.5.22-MariaDB", details: null }], [])).id).toBe("server-too-old");
    expect(VERSION).toMatch(/^10\.11/);
  });

  it("a replica with more than one source", () => {
    const multi = replica(2, "sessions-eu", 3312, { sources: { readable: true, rows: [source(3311), source(3399, { connectionName: "archive", sourceServerId: 9 })] } });
    expect(refused(proposeMariadbTopology(SESSIONS, [multi], []))).toMatchObject({ id: "multi-source", field: "primaryUrl" });
  });

  it("a source discovery cannot read, with its error", () => {
    const unreadSource: MariadbUnreadServer = { reachedBy: { kind: "source-of", serverId: 2 }, endpoint: { host: "127.0.0.1", port: 3311 }, error: "Access denied for user" };
    const refusal = refused(proposeMariadbTopology(SESSIONS, [seedEu()], [unreadSource]));
    expect(refusal.id).toBe("source-unread");
    expect(refusal.reason).toContain("replicates from 127.0.0.1:3311, which discovery could not read with the same account (Access denied for user)");
  });

  it("servers that replicate from one another in a ring", () => {
    const a = replica(2, "sessions-eu", 3312, { sources: { readable: true, rows: [source(3313, { sourceServerId: 3 })] } });
    const b = replica(3, "sessions-de", 3313, { sources: { readable: true, rows: [source(3312, { sourceServerId: 2 })] } });
    expect(refused(proposeMariadbTopology(SESSIONS, [a, b], [])).id).toBe("circular");
  });

  it("a URL for a server outside the seed's topology", () => {
    const elsewhere = server(3399, { serverId: 9, reportHost: "other-primary" }, "standbyUrls.0");
    expect(refused(proposeMariadbTopology(SESSIONS, [primary(), elsewhere], [deUnread]))).toMatchObject({ id: "not-in-topology", field: "standbyUrls.0" });
  });

  it("two servers reporting one report_host", () => {
    const twin = replica(3, "sessions-eu", 3313, {}, "standbyUrls.0");
    expect(refused(proposeMariadbTopology(SESSIONS, [primary(), replica(2, "sessions-eu", 3312), twin], [])).id).toBe("duplicate-report-host");
  });
});

describe("semi-synchronous replication, as sync and async", () => {
  it("proposes replicas as async when the primary does not wait for them, and says so", () => {
    const off = proposed(proposeMariadbTopology(SESSIONS, [primary({ semiSync: { primaryEnabled: false, primaryActive: false, clients: 0, replicaEnabled: true, replicaActive: false } }), seedEu()], [deUnread]));
    expect(off.proposal.services[0].replicas.slice(1).map((item) => item.replication)).toEqual(["async", "async"]);
    expect(observation(off, "semi-sync-off")).toContain("sessions-eu would acknowledge commits");
  });

  it("notes a primary that fell back to asynchronous", () => {
    const fallen = proposed(proposeMariadbTopology(SESSIONS, [primary({ semiSync: { primaryEnabled: true, primaryActive: false, clients: 0, replicaEnabled: true, replicaActive: false } }), seedEu()], [deUnread]));
    expect(ids(fallen.observations)).toContain("semi-sync-fallen-back");
    // No client acknowledges besides the replica read, so the unread one does not.
    expect(fallen.proposal.services[0].replicas[2]?.replication).toBe("async");
  });

  it("asks whether an unread replica is semi-synchronous when the primary's count cannot tell", () => {
    const three = primary({
      semiSync: { primaryEnabled: true, primaryActive: true, clients: 2, replicaEnabled: true, replicaActive: false },
      replicas: { readable: true, rows: [registered(2, "sessions-eu", 3312), registered(3, "sessions-de", 3313), registered(4, "sessions-ap", 3314)] },
    });
    const apUnread: MariadbUnreadServer = { ...deUnread, endpoint: { host: "sessions-ap", port: 3314 } };
    const unsure = proposed(proposeMariadbTopology(SESSIONS, [three, seedEu()], [deUnread, apUnread]));
    expect(questionsOf(unsure)).toContain("replica-replication services.0.replicas.2.replication");
    expect(questionsOf(unsure)).toContain("replica-replication services.0.replicas.3.replication");
  });

  it("proposes a replica of a replica as async (chained replication)", () => {
    const chained = replica(3, "sessions-de", 3313, { sources: { readable: true, rows: [source(3312, { sourceServerId: 2 })] } }, "standbyUrls.0");
    const eu = replica(2, "sessions-eu", 3312, { replicas: { readable: true, rows: [registered(3, "sessions-de", 3313)] } });
    const only = primary({ replicas: { readable: true, rows: [registered(2, "sessions-eu", 3312)] } });
    const outcome = proposed(proposeMariadbTopology(SESSIONS, [eu, chained, only], []));
    expect(outcome.proposal.services[0].replicas.map((item) => [item.name, item.replication])).toEqual([
      ["sessions-us", undefined],
      ["sessions-eu", "sync"],
      ["sessions-de", "async"],
    ]);
    expect(observation(outcome, "cascading")).toContain("sessions-de replicates from the replica sessions-eu");
  });
});

describe("what discovery notes about each server", () => {
  it("stopped replica threads with their errors, file positions, a writable replica, settings failover needs", () => {
    const broken = replica(2, "sessions-eu", 3312, {
      readOnly: false,
      gtidStrictMode: false,
      binlogFormat: "MIXED",
      sources: { readable: true, rows: [source(3311, { sqlRunning: "No", usingGtid: "No", sqlError: { errno: 1062, message: "Duplicate entry '7' for key 'PRIMARY'" } })] },
    });
    const outcome = proposed(proposeMariadbTopology(SESSIONS, [broken, walkedPrimary()], [deUnread]));
    expect(observation(outcome, "replica-threads")).toBe("sessions-eu's replica threads are not both running (IO Yes, SQL No): SQL error 1062: Duplicate entry '7' for key 'PRIMARY'");
    expect(ids(outcome.observations)).toEqual(expect.arrayContaining(["file-positions", "replica-writable", "settings-for-failover"]));
    expect(observation(outcome, "settings-for-failover")).toContain("sessions-eu runs with gtid_strict_mode OFF, binlog_format MIXED");
  });

  it("a read-only primary, and a replica its primary does not list", () => {
    const quiet = primary({ readOnly: true, replicas: { readable: true, rows: [registered(3, "sessions-de", 3313)] } });
    const outcome = proposed(proposeMariadbTopology(SESSIONS, [quiet, seedEu()], [deUnread]));
    expect(ids(outcome.observations)).toEqual(expect.arrayContaining(["primary-read-only", "not-registered"]));
    expect(outcome.proposal.services[0].replicas.map((item) => item.name)).toEqual(["sessions-us", "sessions-eu", "sessions-de"]);
  });

  it("asks the primary's name when its report_host is empty, and flags a report_host that is no replica name", () => {
    const nameless = primary({ reportHost: "", replicas: { readable: true, rows: [registered(2, "db2.example.com", 3312)] } });
    const outcome = proposed(proposeMariadbTopology(SESSIONS, [nameless], [{ ...deUnread, endpoint: { host: "db2.example.com", port: 3312 } }]));
    expect(questionsOf(outcome)).toEqual(expect.arrayContaining(["primary-name services.0.replicas.0.name", "primary-field services.0.primary", "replica-name-invalid services.0.replicas.1.name"]));
    expect(outcome.proposal.services[0].primary).toBeUndefined();
  });

  it("cross-checks each replica's own source against what the servers list", () => {
    // sessions-de is listed by the primary, but its own status names sessions-eu as its source.
    const eu = replica(2, "sessions-eu", 3312, { replicas: { readable: true, rows: [registered(3, "sessions-de", 3313)] } });
    const de = replica(3, "sessions-de", 3313, { sources: { readable: true, rows: [source(3312, { sourceServerId: 2 })] } }, "standbyUrls.0");
    const outcome = proposed(proposeMariadbTopology(SESSIONS, [eu, de, primary()], []));
    expect(observation(outcome, "registered-elsewhere")).toBe("sessions-us lists sessions-de among its replicas, but sessions-de's own status names sessions-eu as its source (re-pointed a moment ago?): placed under sessions-eu");
    expect(ids(outcome.observations)).toContain("cascading");

    // A replica that reaches its source by another address than discovery did.
    const viaProxy = replica(2, "sessions-eu", 3312, { sources: { readable: true, rows: [source(6033, { host: "proxy.internal" })] } });
    expect(observation(proposeMariadbTopology(SESSIONS, [viaProxy, primary()], [deUnread]), "source-address")).toBe(
      "sessions-eu reaches its source at proxy.internal:6033, while discovery read that server at 127.0.0.1:3311 (a proxy, or another name for the same server?)",
    );
  });

  it("asks the database when the seed's URL names none", () => {
    const bare = { ...primary(), endpoint: { host: "127.0.0.1", port: 3311, database: null } };
    expect(questionsOf(proposeMariadbTopology(SESSIONS, [bare], [deUnread]))).toContain("database services.0.replicas.0.database");
  });
});

describe("the MariaDB findings tables", () => {
  it("have kebab-case ids, each once across the three tables", () => {
    const all = [...MARIADB_REFUSAL_IDS, ...MARIADB_QUESTION_IDS, ...MARIADB_OBSERVATION_IDS];
    for (const id of all) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(all).size).toBe(all.length);
  });

  it("point every question at a place in the fleet document", () => {
    for (const id of MARIADB_QUESTION_IDS) {
      const path = MARIADB_QUESTIONS[id].path({ index: 2 } as never);
      expect(path, id).toMatch(/^(regions|services\.0\.(id|name|primary|datasets|replicas(\.\d+\.(name|host|port|database|region|replication))?))$/);
    }
  });
});
