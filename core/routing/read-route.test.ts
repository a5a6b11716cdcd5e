import { describe, expect, it } from "vitest";
import type { DatasetSnapshot } from "../runbooks/snapshot";
import { chooseReadReplica, READ_ROUTE_RULES, regionDistanceMs, type ReadCandidate, type ReadRouteFacts, type RegionProbe } from "./read-route";

const NOW = new Date("2026-12-04T21:00:00Z");
const US = "aws:us-east-1";
const IE = "aws:eu-west-1";
const DE = "gcp:europe-west3";

const primary: ReadCandidate = { id: "p", name: "pg-us", regionId: US, jurisdiction: "US", role: "primary", health: "healthy", reachable: true, reportedRole: "primary", walReceiverStatus: null, lagSeconds: null };
const standby = (over: Partial<ReadCandidate>): ReadCandidate => ({
  id: "s",
  name: "pg-standby",
  regionId: IE,
  jurisdiction: "EU",
  role: "standby",
  health: "healthy",
  reachable: true,
  reportedRole: "standby",
  walReceiverStatus: "streaming",
  lagSeconds: 1,
  ...over,
});
const ireland = standby({ id: "ie", name: "pg-ie", regionId: IE, lagSeconds: 2 });
const frankfurt = standby({ id: "de", name: "pg-de", regionId: DE, lagSeconds: 0.5 });

const probe = (fromRegionId: string, toRegionId: string, rttMs: number | null, over: Partial<RegionProbe> = {}): RegionProbe => ({
  fromRegionId,
  toRegionId,
  reachable: rttMs !== null,
  rttMs,
  observedAt: new Date(NOW.getTime() - 1_000),
  ...over,
});
const PROBES = [probe(IE, US, 80), probe(US, IE, 82), probe(IE, DE, 14), probe(DE, IE, 16), probe(US, DE, 90)];
const EU_ONLY: DatasetSnapshot = { name: "orders", consistency: "strong", residency: { jurisdictions: ["EU"], regions: [] } };

const facts = (over: Partial<ReadRouteFacts> = {}): ReadRouteFacts => ({
  now: NOW,
  near: IE,
  maxLagSeconds: 5,
  writeReplicaId: "p",
  replicas: [primary, ireland, frankfurt],
  datasets: [],
  probes: PROBES,
  staleAfterMs: 5_000,
  ...over,
});

const verdictOf = (route: ReturnType<typeof chooseReadReplica>, name: string) => route.verdicts.find((verdict) => verdict.name === name)!;

describe("the read route rules", () => {
  it("have unique, prefixed ids and one sentence each", () => {
    expect(new Set(READ_ROUTE_RULES.map((rule) => rule.id)).size).toBe(READ_ROUTE_RULES.length);
    for (const rule of READ_ROUTE_RULES) {
      expect(rule.id).toMatch(/^read-[a-z-]+$/);
      expect(rule.sentence).toMatch(/^[A-Z][^\n]*\.$/);
      expect(rule.sentence.split(/\.\s/)).toHaveLength(1);
    }
  });

  it("let a healthy write replica and streaming standbys within the limit serve", () => {
    for (const replica of [primary, ireland, frankfurt]) expect(verdictOf(chooseReadReplica(facts()), replica.name)).toMatchObject({ serves: true, rule: null, reason: null });
  });

  const excluded: [string, ReadCandidate, Partial<ReadRouteFacts>, string][] = [
    ["read-holds-data", standby({ role: "witness", reportedRole: null }), {}, "pg-standby is a witness and holds no data"],
    ["read-report-current", standby({ health: "stale" }), {}, "pg-standby's latest report is older than the staleness window"],
    ["read-report-current", standby({ health: "unknown", reachable: null, reportedRole: null }), {}, "pg-standby's agent has not reported yet"],
    ["read-server-answers", standby({ health: "unhealthy", reachable: false, reportedRole: null }), {}, "pg-standby's agent cannot reach its server"],
    ["read-role-as-topology", standby({ reportedRole: "primary" }), {}, "pg-standby reports itself as primary; the topology says standby"],
    ["read-role-as-topology", { ...primary, reportedRole: "standby" }, {}, "pg-us reports itself as standby; the topology says primary"],
    ["read-role-as-topology", standby({ reportedRole: null }), {}, "pg-standby reports itself as of unknown role; the topology says standby"],
    ["read-serving", { ...primary, id: "old" }, {}, "pg-us is a primary but not the service's write replica"],
    ["read-serving", standby({ walReceiverStatus: "stopping" }), {}, "pg-standby is not streaming from its upstream (WAL receiver stopping)"],
    ["read-serving", standby({ walReceiverStatus: null }), {}, "pg-standby is not streaming from its upstream (WAL receiver absent)"],
    ["read-lag-within-limit", standby({ lagSeconds: null }), {}, "pg-standby's lag in seconds is not known"],
    ["read-lag-within-limit", standby({ lagSeconds: 5.5 }), {}, "pg-standby lags 5.5 s, more than the limit of 5 s"],
    ["read-residency-allows", { ...primary }, { datasets: [EU_ONLY] }, "residency excludes aws:us-east-1: dataset orders may live only in EU; aws:us-east-1 is in US"],
    [
      "read-residency-allows",
      standby({ regionId: DE }),
      { datasets: [{ ...EU_ONLY, residency: { jurisdictions: ["EU"], regions: [IE] } }] },
      "residency excludes gcp:europe-west3: dataset orders may live only in aws:eu-west-1; not in gcp:europe-west3",
    ],
  ];
  it.each(excluded)("%s excludes a replica: %s", (rule, replica, over, reason) => {
    const route = chooseReadReplica(facts({ replicas: [replica], ...over }));
    expect(route.replicaId).toBeNull();
    expect(route.verdicts).toEqual([expect.objectContaining({ replicaId: replica.id, serves: false, rule, reason })]);
  });

  it("cover every rule of the table", () => {
    expect(new Set(excluded.map(([rule]) => rule))).toEqual(new Set(READ_ROUTE_RULES.map((rule) => rule.id)));
  });

  it("names the first rule a replica fails, in the table's order", () => {
    const route = chooseReadReplica(facts({ replicas: [standby({ health: "stale", reachable: false, lagSeconds: 99 })] }));
    expect(route.verdicts[0]).toMatchObject({ rule: "read-report-current" });
  });

  it("accepts a lag exactly at the limit, and a limit of 0 only for the write replica", () => {
    expect(chooseReadReplica(facts({ replicas: [standby({ lagSeconds: 5 })] })).replicaId).toBe("s");
    const route = chooseReadReplica(facts({ maxLagSeconds: 0, near: IE }));
    expect(route.replicaId).toBe("p");
    expect(verdictOf(route, "pg-us")).toMatchObject({ lagSeconds: 0, serves: true });
    expect(verdictOf(route, "pg-ie")).toMatchObject({ rule: "read-lag-within-limit" });
  });

  it("lets a degraded standby serve when every rule holds: the client's lag limit is what it asked for, not the RPO budget", () => {
    expect(chooseReadReplica(facts({ replicas: [standby({ health: "degraded" })] })).replicaId).toBe("s");
  });
});

describe("choosing the closest replica", () => {
  it("prefers a replica in the near region, then the one with the smallest round-trip time", () => {
    expect(chooseReadReplica(facts({ near: IE })).replicaId).toBe("ie");
    expect(chooseReadReplica(facts({ near: DE })).replicaId).toBe("de");
    expect(chooseReadReplica(facts({ near: US })).replicaId).toBe("p");
    expect(chooseReadReplica(facts({ near: US, replicas: [ireland, frankfurt] })).replicaId).toBe("ie");
  });

  it("lists the chosen replica first, the others that serve by closeness, then those excluded by name", () => {
    const route = chooseReadReplica(facts({ near: IE, replicas: [primary, frankfurt, ireland, standby({ id: "x", name: "pg-aa", health: "stale" })] }));
    expect(route.verdicts.map((verdict) => [verdict.name, verdict.rttMs])).toEqual([
      ["pg-ie", 0],
      ["pg-de", 15],
      ["pg-us", 81],
      ["pg-aa", 0],
    ]);
    expect(route.sentence).toBe("Read from pg-ie in aws:eu-west-1: it is in aws:eu-west-1, lag 2 s within 5 s");
  });

  it("moves on to the next closest when the closest is excluded, and says how far it is", () => {
    const route = chooseReadReplica(facts({ near: IE, replicas: [primary, { ...ireland, lagSeconds: 30 }, frankfurt] }));
    expect(route.replicaId).toBe("de");
    expect(route.sentence).toBe("Read from pg-de in gcp:europe-west3: 15 ms round trip from aws:eu-west-1, lag 0.5 s within 5 s");
  });

  it("ranks a replica whose distance no current probe measures after every measured one, and says so when it is the only one", () => {
    const elsewhere = standby({ id: "ap", name: "pg-ap", regionId: "aws:ap-south-1", jurisdiction: "IN", lagSeconds: 0 });
    expect(chooseReadReplica(facts({ near: US, replicas: [elsewhere, frankfurt] })).replicaId).toBe("de");
    const alone = chooseReadReplica(facts({ near: US, replicas: [elsewhere] }));
    expect(alone.replicaId).toBe("ap");
    expect(alone.sentence).toBe("Read from pg-ap in aws:ap-south-1: no current witness probe measures its distance, lag 0 s within 5 s");
  });

  it("breaks a tie in distance by the smaller lag, then by name", () => {
    const a = standby({ id: "a", name: "pg-b", lagSeconds: 1 });
    const b = standby({ id: "b", name: "pg-a", lagSeconds: 1 });
    const c = standby({ id: "c", name: "pg-0", lagSeconds: 3 });
    expect(chooseReadReplica(facts({ replicas: [c, a, b] })).verdicts.map((verdict) => verdict.name)).toEqual(["pg-a", "pg-b", "pg-0"]);
  });

  it("answers no replica, with every replica's reason, when none qualifies", () => {
    const route = chooseReadReplica(facts({ maxLagSeconds: 1, writeReplicaId: null, replicas: [{ ...primary, reportedRole: "standby" }, ireland] }));
    expect(route.replicaId).toBeNull();
    expect(route.verdicts.map((verdict) => verdict.rule)).toEqual(["read-lag-within-limit", "read-role-as-topology"]);
    expect(route.sentence).toBe(
      "No replica may serve reads near aws:eu-west-1 within 1 s of lag: pg-ie lags 2 s, more than the limit of 1 s; pg-us reports itself as standby; the topology says primary",
    );
  });

  it("answers no replica for a service without replicas", () => {
    expect(chooseReadReplica(facts({ replicas: [] }))).toEqual({ replicaId: null, sentence: "No replica may serve reads near aws:eu-west-1: the service has no replicas", verdicts: [] });
  });
});

describe("the distance between two regions", () => {
  it("is 0 within a region, whatever the probes say", () => {
    expect(regionDistanceMs(IE, IE, [probe(IE, IE, 3)], NOW, 5_000)).toBe(0);
  });

  it("is the median of the current probes that got through, either way", () => {
    expect(regionDistanceMs(IE, US, PROBES, NOW, 5_000)).toBe(81);
    expect(regionDistanceMs(US, DE, PROBES, NOW, 5_000)).toBe(90);
    expect(regionDistanceMs(DE, US, PROBES, NOW, 5_000)).toBe(90);
    expect(regionDistanceMs(IE, US, [probe(IE, US, 10), probe(IE, US, 30), probe(US, IE, 200)], NOW, 5_000)).toBe(30);
  });

  it("leaves out failed probes and probes older than the staleness window", () => {
    const old = probe(IE, US, 5, { observedAt: new Date(NOW.getTime() - 5_001) });
    const edge = probe(IE, US, 7, { observedAt: new Date(NOW.getTime() - 5_000) });
    expect(regionDistanceMs(IE, US, [old, probe(IE, US, null), edge], NOW, 5_000)).toBe(7);
    expect(regionDistanceMs(IE, US, [old, probe(IE, US, null)], NOW, 5_000)).toBeNull();
  });

  it("is null when nobody probes between the two regions", () => {
    expect(regionDistanceMs(IE, "aws:ap-south-1", PROBES, NOW, 5_000)).toBeNull();
  });
});
