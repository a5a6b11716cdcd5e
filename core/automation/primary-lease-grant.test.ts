import { describe, expect, it } from "vitest";
import { leaseGrant, type GrantFacts } from "./primary-lease-grant";

const A = { id: "r-a", name: "pg-a" };
const B = { id: "r-b", name: "pg-b" };
const C = { id: "r-c", name: "pg-c" };
const WRITABLE = { role: "primary" as const, readOnly: false };

const facts = (overrides: Partial<GrantFacts> = {}): GrantFacts => ({ replica: A, observed: WRITABLE, writeReplica: A, promoting: null, serviceRetiredAt: null, ...overrides });

describe("who may hold a service's primary lease", () => {
  it("the write replica, writable or fenced (a grant is how the agent learns it may undo its own fence)", () => {
    expect(leaseGrant(facts())).toEqual({ granted: true });
    expect(leaseGrant(facts({ observed: { role: "primary", readOnly: true } }))).toEqual({ granted: true });
  });

  it("not a replica the write route does not point at: a former primary that comes back", () => {
    expect(leaseGrant(facts({ writeReplica: B }))).toEqual({ granted: false, reason: "writes go to pg-b, not to pg-a" });
  });

  it("nobody while the service has no write route", () => {
    expect(leaseGrant(facts({ writeReplica: null }))).toEqual({ granted: false, reason: "the service has no write route, so no replica may take writes" });
  });

  it("never a standby, not even the write replica", () => {
    expect(leaseGrant(facts({ observed: { role: "standby", readOnly: true } }))).toEqual({ granted: false, reason: "pg-a is a standby; only a primary holds a lease" });
  });

  it("nobody once the service is retired, not even its write replica: nothing acts on a retired service", () => {
    expect(leaseGrant(facts({ serviceRetiredAt: new Date("2026-12-02T10:00:00Z") }))).toEqual({
      granted: false,
      reason: "the service was retired at 2026-12-02T10:00:00.000Z; Switchyard grants no lease for it",
    });
  });

  it("once a run has issued a promotion, only its target, before the write route follows", () => {
    const promoting = { runId: "run-1", target: B };
    expect(leaseGrant(facts({ promoting }))).toEqual({ granted: false, reason: "run run-1 has issued the promotion of pg-b; pg-a must stay read-only" });
    expect(leaseGrant(facts({ replica: B, promoting }))).toEqual({ granted: true });
    expect(leaseGrant(facts({ replica: C, writeReplica: C, promoting }))).toMatchObject({ granted: false });
  });
});
