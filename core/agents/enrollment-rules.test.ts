import { describe, expect, it } from "vitest";
import { decideEnrollment, ENROLLMENT_RULES, enrolledAgentName, type EnrollmentFacts } from "./enrollment-rules";

const now = new Date("2026-12-02T12:00:00Z");
const fresh = { usedAt: null, expiresAt: new Date("2026-12-02T13:00:00Z") };
const facts = (over: Partial<EnrollmentFacts>): EnrollmentFacts => ({ token: fresh, replicaName: "pg-eu", replicaRetiredAt: null, activeAgent: null, replace: false, now, ...over });

describe("the enrollment rules", () => {
  it("have unique ids", () => {
    expect(new Set(ENROLLMENT_RULES.map((rule) => rule.id)).size).toBe(ENROLLMENT_RULES.length);
  });

  it("enroll with a fresh token for a replica without an agent, revoking nothing", () => {
    expect(decideEnrollment(facts({}))).toEqual({ ok: true, revokes: null });
  });

  it("refuse an unknown token without naming any replica", () => {
    const decision = decideEnrollment(facts({ token: null }));
    expect(decision).toMatchObject({ ok: false, rule: "enroll-token-unknown", status: 401, field: "token" });
    expect(!decision.ok && decision.message).not.toContain("pg-eu");
  });

  it("refuse a used token, even one that has not expired, and before looking at the replica", () => {
    const decision = decideEnrollment(facts({ token: { ...fresh, usedAt: new Date("2026-12-02T11:00:00Z") }, activeAgent: "agent-pg-eu" }));
    expect(decision).toMatchObject({ ok: false, rule: "enroll-token-used", status: 401 });
    expect(!decision.ok && decision.message).toContain("2026-12-02T11:00:00.000Z");
    expect(!decision.ok && decision.message).not.toContain("pg-eu");
  });

  it("refuse a token from the moment it expires", () => {
    expect(decideEnrollment(facts({ token: { usedAt: null, expiresAt: now } }))).toMatchObject({ ok: false, rule: "enroll-token-expired", status: 401 });
    expect(decideEnrollment(facts({ token: { usedAt: null, expiresAt: new Date(now.getTime() + 1) } }))).toMatchObject({ ok: true });
  });

  it("refuse a replica retired from its service, replace or not", () => {
    const retiredAt = new Date("2026-12-02T10:00:00Z");
    expect(decideEnrollment(facts({ replicaRetiredAt: retiredAt, replace: true }))).toMatchObject({ ok: false, rule: "enroll-replica-retired", status: 409 });
  });

  it("refuse a replica that has an active agent unless told to replace it", () => {
    const decision = decideEnrollment(facts({ activeAgent: "agent-pg-eu" }));
    expect(decision).toMatchObject({ ok: false, rule: "enroll-replica-has-agent", status: 409, field: "replace" });
    expect(!decision.ok && decision.message).toContain("--replace");
    expect(decideEnrollment(facts({ activeAgent: "agent-pg-eu", replace: true }))).toEqual({ ok: true, revokes: "agent-pg-eu" });
  });
});

describe("an enrolled agent's name", () => {
  it("is agent-<replica>, or the first free numbered one when that is taken", () => {
    expect(enrolledAgentName("pg-eu", new Set())).toBe("agent-pg-eu");
    expect(enrolledAgentName("pg-eu", new Set(["agent-pg-eu"]))).toBe("agent-pg-eu-2");
    expect(enrolledAgentName("pg-eu", new Set(["agent-pg-eu", "agent-pg-eu-2", "agent-pg-eu-4"]))).toBe("agent-pg-eu-3");
  });
});
