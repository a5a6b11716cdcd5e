import { describe, expect, it } from "vitest";
import { MAX_SILENCE_MS, SILENCE_CHECKS, silenceLabel, silenceMatches, silenceOf, silenceProblem, silenceState, type Silence, type SilenceRequest } from "./silences";

const now = new Date("2026-12-07T10:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const HOUR = 3_600_000;
const LABELS: Record<string, Record<string, string>> = { "orders-db": { tier: "critical", team: "checkout" }, "billing-db": { tier: "critical" }, "search-db": {} };
const labelsOf = (serviceId: string) => LABELS[serviceId] ?? null;
const services = new Map(Object.entries(LABELS));

const silence = (overrides: Partial<Silence> = {}): Silence => ({
  id: "s1",
  serviceId: "orders-db",
  ruleId: null,
  labels: {},
  reason: "migrating the standby",
  createdBy: "operator@example.com",
  startsAt: later(-HOUR),
  endsAt: later(HOUR),
  expiredAt: null,
  ...overrides,
});

describe("silenceState", () => {
  it("is pending before its start, active until its end, expired at its end or when expired early", () => {
    expect(silenceState(silence({ startsAt: later(1000) }), now)).toBe("pending");
    expect(silenceState(silence(), now)).toBe("active");
    expect(silenceState(silence({ startsAt: now }), now)).toBe("active");
    expect(silenceState(silence({ endsAt: now }), now)).toBe("expired");
    expect(silenceState(silence({ expiredAt: later(-1000) }), now)).toBe("expired");
  });
});

describe("silenceMatches", () => {
  const lag = { serviceId: "orders-db", ruleId: "lag-above-budget" } as const;
  it("matches on every matcher it sets, and on none it leaves open", () => {
    expect(silenceMatches(silence(), lag, labelsOf)).toBe(true);
    expect(silenceMatches(silence(), { ...lag, serviceId: "billing-db" }, labelsOf)).toBe(false);
    expect(silenceMatches(silence({ ruleId: "lag-above-budget" }), lag, labelsOf)).toBe(true);
    expect(silenceMatches(silence({ ruleId: "heartbeat-stale" }), lag, labelsOf)).toBe(false);
    expect(silenceMatches(silence({ serviceId: null, ruleId: "lag-above-budget" }), { ...lag, serviceId: "search-db" }, labelsOf)).toBe(true);
  });
  it("matches labels the alert's service carries, every pair of them", () => {
    const critical = silence({ serviceId: null, labels: { tier: "critical" } });
    expect(silenceMatches(critical, lag, labelsOf)).toBe(true);
    expect(silenceMatches(critical, { ...lag, serviceId: "billing-db" }, labelsOf)).toBe(true);
    expect(silenceMatches(critical, { ...lag, serviceId: "search-db" }, labelsOf)).toBe(false);
    expect(silenceMatches(silence({ serviceId: null, labels: { tier: "critical", team: "checkout" } }), { ...lag, serviceId: "billing-db" }, labelsOf)).toBe(false);
    expect(silenceMatches(critical, { ...lag, serviceId: "gone-db" }, labelsOf)).toBe(false);
    expect(silenceMatches(critical, { serviceId: null, ruleId: "break-glass-sign-in" }, labelsOf)).toBe(false);
  });
  it("an empty matcher matches nothing", () => {
    expect(silenceMatches(silence({ serviceId: null }), lag, labelsOf)).toBe(false);
  });
  it("a rule-only silence matches the accounts' alerts of that rule", () => {
    expect(silenceMatches(silence({ serviceId: null, ruleId: "break-glass-sign-in" }), { serviceId: null, ruleId: "break-glass-sign-in" }, labelsOf)).toBe(true);
  });
});

describe("silenceOf", () => {
  const alert = { serviceId: "orders-db", ruleId: "replica-unreachable" } as const;
  it("is the active matching silence that ends last; pending, expired and non-matching ones do not count", () => {
    const short = silence({ id: "short", endsAt: later(HOUR) });
    const long = silence({ id: "long", endsAt: later(5 * HOUR) });
    const pending = silence({ id: "pending", startsAt: later(HOUR), endsAt: later(9 * HOUR) });
    const expired = silence({ id: "expired", endsAt: later(9 * HOUR), expiredAt: later(-1) });
    const other = silence({ id: "other", serviceId: "billing-db", endsAt: later(9 * HOUR) });
    expect(silenceOf([short, long, pending, expired, other], alert, labelsOf, now)?.id).toBe("long");
    expect(silenceOf([pending, expired, other], alert, labelsOf, now)).toBeNull();
  });
  it("is labelled with its id, author, reason and end", () => {
    expect(silenceLabel(silence())).toBe(`silence s1 by operator@example.com ("migrating the standby") until ${later(HOUR).toISOString()}`);
  });
});

describe("silenceProblem", () => {
  const request = (overrides: Partial<SilenceRequest> = {}): SilenceRequest => ({ serviceId: "orders-db", ruleId: null, labels: {}, startsAt: now, endsAt: later(HOUR), ...overrides });
  const refusal = (overrides: Partial<SilenceRequest>) => silenceProblem(request(overrides), services, now);

  it("accepts a silence by service, by rule, by labels, or any mix that matches a service", () => {
    expect(refusal({})).toBeNull();
    expect(refusal({ serviceId: null, ruleId: "lag-above-budget" })).toBeNull();
    expect(refusal({ serviceId: null, labels: { tier: "critical" } })).toBeNull();
    expect(refusal({ ruleId: "heartbeat-stale", labels: { team: "checkout" } })).toBeNull();
    expect(refusal({ serviceId: null, ruleId: "break-glass-sign-in" })).toBeNull();
    expect(refusal({ startsAt: later(HOUR), endsAt: later(2 * HOUR) })).toBeNull();
    expect(refusal({ endsAt: later(MAX_SILENCE_MS) })).toBeNull();
  });

  it.each([
    ["silence-needs-a-matcher", { serviceId: null }, "serviceId", "name a service, a rule or labels"],
    ["silence-needs-an-expiry", { endsAt: null }, "endsAt", "needs an expiry"],
    ["silence-ends-in-the-future", { endsAt: now }, "endsAt", "must be in the future"],
    ["silence-ends-in-the-future", { startsAt: later(2 * HOUR), endsAt: later(HOUR) }, "endsAt", "must be after startsAt"],
    ["silence-at-most-30-days", { endsAt: later(MAX_SILENCE_MS + 1) }, "endsAt", "at most 30 days"],
    ["silence-at-most-30-days", { startsAt: later(MAX_SILENCE_MS + 1), endsAt: later(MAX_SILENCE_MS + 2) }, "endsAt", "startsAt must be at most 30 days away"],
    ["silence-service-known", { serviceId: "gone-db" }, "serviceId", "no service gone-db"],
    ["silence-rule-about-services", { ruleId: "break-glass-sign-in" }, "ruleId", "about the installation's accounts"],
    ["silence-labels-match-a-service", { serviceId: null, labels: { tier: "bronze" } }, "labels", "no service carries the labels tier=bronze"],
    ["silence-labels-match-a-service", { serviceId: "search-db", labels: { tier: "critical" } }, "labels", "service search-db does not carry the labels tier=critical"],
  ] as const)("refuses by %s (%j), naming %s", (checkId, overrides, field, message) => {
    const problem = refusal(overrides as Partial<SilenceRequest>);
    expect(problem).toMatchObject({ checkId, field });
    expect(problem!.message).toContain(message);
    expect(problem!.message.startsWith(checkId === "silence-needs-a-matcher" ? "serviceId, ruleId or labels: " : `${field}: `)).toBe(true);
  });

  it("is a table of uniquely named checks, each with a sentence", () => {
    const ids = SILENCE_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of SILENCE_CHECKS) expect(check.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
