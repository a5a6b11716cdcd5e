import { describe, expect, it } from "vitest";
import { answerHealthCheck, HEALTH_CHECKS, HEALTH_ENDPOINTS, healthEndpointFor, standbySyncState, type HealthCheckId, type HealthEndpoint, type HealthFacts } from "./health-checks";
import { NO_LIMITS, type HealthQuery } from "./health-query";

const NOW = 100_000;
const EXPIRES = "2026-12-04T12:00:03.000Z";

const WRITE_REPLICA: HealthFacts = {
  now: NOW,
  staleAfterMs: 3_000,
  observation: { at: NOW - 500, reachable: true, error: null, role: "primary", readOnly: false, streaming: false, lagBytes: null, lagSeconds: null },
  serverChanging: null,
  lease: { kept: true, held: true, rule: "control-plane", sentence: "the control plane granted the lease (2750 ms left)", expiresAt: EXPIRES },
  controlPlane: { word: "granted" },
  epoch: 7,
  syncWord: null,
};

const STANDBY: HealthFacts = {
  ...WRITE_REPLICA,
  observation: { at: NOW - 500, reachable: true, error: null, role: "standby", readOnly: true, streaming: true, lagBytes: 4096, lagSeconds: 0.2 },
  lease: { kept: true, held: false, rule: "standby", sentence: "the local server is a standby: it takes no writes and holds no lease", expiresAt: null },
  controlPlane: { word: "none" },
  syncWord: { syncState: "sync", heardAt: NOW - 1_200 },
};

const word = (syncState: "sync" | "async" | "unlisted", heardAt = NOW - 1_200) => ({ syncWord: { syncState, heardAt } });

type Facts = Partial<Omit<HealthFacts, "observation">> & { observation?: Partial<NonNullable<HealthFacts["observation"]>> | null };
const facts = (base: HealthFacts, changes: Facts = {}): HealthFacts => ({
  ...base,
  ...changes,
  observation: changes.observation === null ? null : { ...base.observation!, ...changes.observation },
});
const answer = (endpoint: HealthEndpoint, base: HealthFacts, changes: Facts = {}, query: Partial<HealthQuery> = {}) => answerHealthCheck(endpoint, facts(base, changes), { ...NO_LIMITS, ...query });
const failing = (endpoint: HealthEndpoint, base: HealthFacts, changes: Facts = {}, query: Partial<HealthQuery> = {}) => {
  const { status, body } = answer(endpoint, base, changes, query);
  return { status, check: body.check, why: body.why };
};

const ALL: HealthEndpoint[] = ["primary", "replica", "sync", "async", "health", "liveness", "readiness"];

describe("the health endpoints' table", () => {
  it("is well formed: every check has a sentence and is used by an endpoint, every path is unique", () => {
    const used = new Set(Object.values(HEALTH_ENDPOINTS).flatMap((row) => row.anyOf.flat()));
    for (const [id, check] of Object.entries(HEALTH_CHECKS)) {
      expect(check.sentence, id).toMatch(/^[A-Z].*\.$/);
      expect(used.has(id as HealthCheckId), id).toBe(true);
    }
    const paths = Object.values(HEALTH_ENDPOINTS).flatMap((row) => row.paths);
    expect(new Set(paths).size).toBe(paths.length);
    expect(Object.keys(HEALTH_ENDPOINTS).sort()).toEqual([...ALL].sort());
  });

  it("names each endpoint by Patroni's paths, and nothing else", () => {
    expect(["/primary", "/read-write", "/leader", "/master"].map(healthEndpointFor)).toEqual(["primary", "primary", "primary", "primary"]);
    expect(["/replica", "/sync", "/synchronous", "/async", "/asynchronous", "/health", "/liveness", "/readiness"].map(healthEndpointFor)).toEqual([
      "replica", "sync", "sync", "async", "async", "health", "liveness", "readiness",
    ]);
    expect(healthEndpointFor("/metrics")).toBeNull();
    expect(healthEndpointFor("/primary/")).toBeNull();
  });
});

describe("/primary", () => {
  it("answers 200 for the write replica: a writable primary the control plane granted the lease, which it holds", () => {
    expect(answer("primary", WRITE_REPLICA)).toEqual({
      status: 200,
      body: {
        endpoint: "primary",
        role: "primary",
        lagBytes: null,
        lagSeconds: null,
        lease: { held: true, expiresAt: EXPIRES, rule: "control-plane" },
        epoch: 7,
        check: null,
        why: "this replica is the write replica: a writable primary that holds its lease",
      },
    });
  });

  it.each<[string, Facts, HealthCheckId, string]>([
    ["before the first probe", { observation: null }, "observed", "the agent has not probed its server yet"],
    ["on a stale probe", { observation: { at: NOW - 3_001 } }, "observed", "the agent's latest probe of its server started 3001 ms ago (stale after 3000 ms)"],
    ["when the server does not answer", { observation: { reachable: false, error: "connection refused", role: null } }, "server-answers", "the server does not answer the agent: connection refused"],
    ["while a fence command runs", { serverChanging: "a fence command is running" }, "server-steady", "a fence command is running"],
    ["on a standby", { observation: { role: "standby" } }, "is-primary", "the server is a standby, not a primary"],
    ["on a server of unknown role", { observation: { role: null } }, "is-primary", "the server is of unknown role, not a primary"],
    ["on a fenced primary", { observation: { readOnly: true } }, "accepts-writes", "the server is read-only (fenced)"],
    ["when read-only is not known", { observation: { readOnly: null } }, "accepts-writes", "whether the server is read-only is not known"],
    ["when the control plane refused the lease", { controlPlane: { word: "refused", reason: "pg-b is the primary now" } }, "write-replica", "the control plane refused this primary the lease (epoch 7): pg-b is the primary now"],
    ["when the control plane refused with no epoch known", { controlPlane: { word: "refused", reason: "no" }, epoch: null }, "write-replica", "the control plane refused this primary the lease: no"],
    ["before the control plane granted anything (the grace after start)", { controlPlane: { word: "none" } }, "write-replica", "the control plane has not granted this primary the lease yet"],
    [
      "from the moment the keeper decides to fence (the lease lapsed)",
      { lease: { kept: true, held: false, rule: "lapsed", sentence: "neither the control plane nor … renewed the lease", expiresAt: null } },
      "lease-held",
      "the lease is not held: neither the control plane nor … renewed the lease",
    ],
    ["when the agent keeps no lease", { lease: { kept: false } }, "lease-held", "this agent keeps no self-fencing lease (it has no commands section, or its replica is simulated)"],
  ])("answers 503 %s", (_, changes, check, why) => {
    expect(failing("primary", WRITE_REPLICA, changes)).toEqual({ status: 503, check, why });
  });

  it("reports the lease as not held, with no expiry, when the agent keeps none", () => {
    expect(answer("primary", WRITE_REPLICA, { lease: { kept: false } }).body.lease).toEqual({ held: false, expiresAt: null, rule: null });
  });

  it("ignores lag limits (a primary has no lag)", () => {
    expect(answer("primary", WRITE_REPLICA, {}, { maxLagBytes: 0, maxLagSeconds: 0 }).status).toBe(200);
  });
});

describe("/replica, /sync and /async", () => {
  it("answer 200 for a streaming standby, /sync when the primary counts it and /async when it does not", () => {
    expect(answer("replica", STANDBY)).toMatchObject({ status: 200, body: { role: "standby", lagBytes: 4096, lagSeconds: 0.2, lease: { held: false, rule: "standby" }, check: null, why: "a streaming standby within the limits asked for" } });
    expect(failing("sync", STANDBY)).toEqual({ status: 200, check: null, why: "a streaming standby that confirms commits" });
    expect(failing("async", STANDBY, word("async"))).toEqual({ status: 200, check: null, why: "a streaming standby that does not confirm commits" });
  });

  it("answer 200 within the limits, inclusive", () => {
    expect(answer("replica", STANDBY, {}, { maxLagBytes: 4096, maxLagSeconds: 0.2 }).status).toBe(200);
  });

  it.each<[HealthEndpoint, string, Facts, Partial<HealthQuery>, HealthCheckId, string]>([
    ["replica", "before the first probe", { observation: null }, {}, "observed", "the agent has not probed its server yet"],
    ["replica", "when the server does not answer", { observation: { reachable: false, error: "timeout" } }, {}, "server-answers", "the server does not answer the agent: timeout"],
    ["replica", "while a promote command runs", { serverChanging: "a promote command is running" }, {}, "server-steady", "a promote command is running"],
    ["replica", "on a primary", { observation: { role: "primary" } }, {}, "is-standby", "the server is a primary, not a standby"],
    ["replica", "on a server of unknown role", { observation: { role: null } }, {}, "is-standby", "the server is of unknown role, not a standby"],
    ["replica", "on a standby that does not stream", { observation: { streaming: false } }, {}, "streaming", "the standby's WAL receiver is not streaming"],
    ["replica", "beyond ?lag", {}, { maxLagBytes: 4095 }, "lag-bytes-within", "the standby lags 4096 bytes, more than the limit of 4095"],
    ["replica", "with ?lag and no lag known", { observation: { lagBytes: null } }, { maxLagBytes: 1 }, "lag-bytes-within", "the standby's lag in bytes is not known (limit 1 bytes)"],
    ["replica", "beyond ?max_lag_seconds", {}, { maxLagSeconds: 0.1 }, "lag-seconds-within", "the standby lags 0.2 s, more than the limit of 0.1 s"],
    ["replica", "with ?max_lag_seconds and no lag known", { observation: { lagSeconds: null } }, { maxLagSeconds: 5 }, "lag-seconds-within", "the standby's lag in seconds is not known (limit 5 s)"],
    ["sync", "for an async standby", word("async"), {}, "sync-standby", "the primary does not count this standby towards confirming commits"],
    ["sync", "for a standby the primary does not list", word("unlisted"), {}, "sync-standby", "the primary's latest report does not list this standby among those it streams to"],
    ["sync", "before the control plane said anything", { syncWord: null }, {}, "sync-word-current", "the control plane has not told the agent how the primary counts this standby"],
    ["sync", "when the control plane's word comes from an old report", word("sync", NOW - 3_001), {}, "sync-word-current", "the control plane's latest word on how the primary counts this standby comes from a report 3001 ms old (stale after 3000 ms)"],
    ["sync", "beyond ?lag", {}, { maxLagBytes: 0 }, "lag-bytes-within", "the standby lags 4096 bytes, more than the limit of 0"],
    ["sync", "on a standby that does not stream, whatever the primary said", { observation: { streaming: false } }, {}, "streaming", "the standby's WAL receiver is not streaming"],
    ["async", "for a sync standby", {}, {}, "async-standby", "the primary counts this standby towards confirming commits"],
    ["async", "for a standby the primary does not list", word("unlisted"), {}, "async-standby", "the primary's latest report does not list this standby among those it streams to"],
    ["async", "before the control plane said anything", { syncWord: null }, {}, "sync-word-current", "the control plane has not told the agent how the primary counts this standby"],
    ["async", "when the control plane's word comes from an old report", word("async", NOW - 10_000), {}, "sync-word-current", "the control plane's latest word on how the primary counts this standby comes from a report 10000 ms old (stale after 3000 ms)"],
    ["async", "on a primary", { observation: { role: "primary" }, ...word("async") }, {}, "is-standby", "the server is a primary, not a standby"],
  ])("/%s answers 503 %s", (endpoint, _, changes, query, check, why) => {
    expect(failing(endpoint, STANDBY, changes, query)).toEqual({ status: 503, check, why });
  });
});

describe("how a primary's sync_state counts a standby", () => {
  it("sync and quorum confirm commits; async and potential do not; no row means the primary does not stream to it", () => {
    expect(["sync", "quorum", "async", "potential", null, undefined, "something new"].map(standbySyncState)).toEqual(["sync", "sync", "async", "async", "unlisted", "unlisted", "unlisted"]);
  });

  it("/sync and /async answer 200 up to the staleness limit of the word, inclusive", () => {
    expect(failing("sync", STANDBY, word("sync", NOW - 3_000)).status).toBe(200);
    expect(failing("async", STANDBY, word("async", NOW - 3_000)).status).toBe(200);
  });

  it("never answer 200 on both /sync and /async for one standby", () => {
    for (const state of ["sync", "async", "unlisted"] as const) {
      const statuses = (["sync", "async"] as const).map((endpoint) => failing(endpoint, STANDBY, word(state)).status);
      expect(statuses.filter((status) => status === 200).length, state).toBe(state === "unlisted" ? 0 : 1);
    }
  });
});

describe("/health, /liveness and /readiness", () => {
  it("/health answers 200 while the server answers, whatever its role, and 503 when it does not or the probe is stale", () => {
    expect(failing("health", WRITE_REPLICA, { observation: { readOnly: true }, lease: { kept: false } })).toEqual({ status: 200, check: null, why: "the server answers the agent" });
    expect(failing("health", STANDBY, { observation: { streaming: false } }).status).toBe(200);
    expect(failing("health", STANDBY, { observation: { reachable: false, error: "x" } })).toEqual({ status: 503, check: "server-answers", why: "the server does not answer the agent: x" });
    expect(failing("health", STANDBY, { observation: { at: NOW - 5_000 } })).toMatchObject({ status: 503, check: "observed" });
  });

  it("/liveness answers 200 while the agent's loop runs, even when the server does not answer", () => {
    expect(failing("liveness", STANDBY, { observation: { reachable: false, error: "x" } })).toEqual({ status: 200, check: null, why: "the agent's loop runs" });
    expect(failing("liveness", STANDBY, { observation: { at: NOW - 5_000 } })).toEqual({ status: 503, check: "observed", why: "the agent's latest probe of its server started 5000 ms ago (stale after 3000 ms)" });
    expect(failing("liveness", STANDBY, { observation: null }).status).toBe(503);
  });

  it("/readiness answers 200 for the write replica and for a streaming standby within the limits", () => {
    const ready = "the write replica, or a streaming standby within the limits asked for";
    expect(failing("readiness", WRITE_REPLICA)).toEqual({ status: 200, check: null, why: ready });
    expect(failing("readiness", STANDBY)).toEqual({ status: 200, check: null, why: ready });
  });

  it("/readiness answers 503 with the reason of the way that got furthest", () => {
    expect(failing("readiness", WRITE_REPLICA, { controlPlane: { word: "none" } })).toEqual({ status: 503, check: "write-replica", why: "the control plane has not granted this primary the lease yet" });
    expect(failing("readiness", STANDBY, {}, { maxLagBytes: 10 })).toEqual({ status: 503, check: "lag-bytes-within", why: "the standby lags 4096 bytes, more than the limit of 10" });
    expect(failing("readiness", STANDBY, { serverChanging: "a rewind command is running" })).toEqual({ status: 503, check: "server-steady", why: "a rewind command is running" });
  });
});

describe("every endpoint", () => {
  it.each(ALL)("/%s answers 503 before the agent's first probe, and carries the role, lag, lease and epoch", (endpoint) => {
    expect(answer(endpoint, STANDBY, { observation: null })).toEqual({
      status: 503,
      body: { endpoint, role: null, lagBytes: null, lagSeconds: null, lease: { held: false, expiresAt: null, rule: "standby" }, epoch: 7, check: "observed", why: "the agent has not probed its server yet" },
    });
  });
});
