import { describe, expect, it } from "vitest";
import { advanceAlerts } from "./alert-window";
import { detectAccountAlerts, type AccountFacts } from "./account-alert-rules";

const DAY = 86_400_000;
const at = new Date("2026-12-01T12:00:00Z");
const facts: AccountFacts = {
  coolOffMs: 7 * DAY,
  grants: [{ grantId: "g1", userId: "carol", email: "carol@example.com", roles: ["approver"], serviceScopes: {}, at, requester: "alice@example.com", decider: "bob@example.com", issuer: null }],
  resets: [{ userId: "dave", email: "dave@example.com", roles: ["admin"], at, by: "alice@example.com" }],
  breakGlass: [],
};

describe("account alert rules", () => {
  it("name each recent grant and reset of an approving account, about no service", () => {
    expect(detectAccountAlerts(facts)).toEqual([
      {
        ruleId: "privileged-grant",
        serviceId: null,
        subject: { key: "grant:g1", label: "carol@example.com", replicaId: null },
        sentence: "carol@example.com was granted approver at 2026-12-01T12:00:00.000Z at the request of alice@example.com, approved by bob@example.com; cool-off until 2026-12-08T12:00:00.000Z",
      },
      {
        ruleId: "privileged-password-reset",
        serviceId: null,
        subject: { key: `password-reset:dave:${at.getTime()}`, label: "dave@example.com", replicaId: null },
        sentence: "alice@example.com reset the password of dave@example.com (admin) at 2026-12-01T12:00:00.000Z; cool-off until 2026-12-08T12:00:00.000Z",
      },
    ]);
  });

  it("say a grant from the host is break-glass, naming who asked for it if anyone did", () => {
    const host = { ...facts, grants: [{ ...facts.grants[0]!, requester: null, decider: null }], resets: [] };
    expect(detectAccountAlerts(host)[0]?.sentence).toMatch(/was granted approver at \S+ from the host \(break-glass\); cool-off/);
    const asked = { ...facts, grants: [{ ...facts.grants[0]!, decider: null }], resets: [] };
    expect(detectAccountAlerts(asked)[0]?.sentence).toMatch(/at the request of alice@example.com, approved from the host \(break-glass\); cool-off/);
  });

  it("say a grant by an identity provider's claims names the provider", () => {
    const provider = { ...facts, grants: [{ ...facts.grants[0]!, requester: null, decider: null, issuer: "https://id.example.com" }], resets: [] };
    expect(detectAccountAlerts(provider)[0]?.sentence).toMatch(
      /^carol@example.com was granted approver at \S+ by the identity provider https:\/\/id.example.com \(single sign-on claims, no second admin here\); cool-off/,
    );
  });

  it("name each break-glass sign-in with its address and audit event, firing for a day", () => {
    const signedIn = { ...facts, grants: [], resets: [], breakGlass: [{ auditSeq: "42", email: "break-glass@switchyard.local", at, address: "10.0.0.7" }] };
    expect(detectAccountAlerts(signedIn)).toEqual([
      {
        ruleId: "break-glass-sign-in",
        serviceId: null,
        subject: { key: "break-glass:42", label: "break-glass@switchyard.local", replicaId: null },
        sentence:
          "break-glass@switchyard.local signed in with a local password at 2026-12-01T12:00:00.000Z from 10.0.0.7 while single sign-on is configured (audit event #42); firing until 2026-12-02T12:00:00.000Z",
      },
    ]);
  });

  it("fire at once, once per subject, and resolve when the window has passed", () => {
    const settings = { forSeconds: () => 0, muted: () => null, maxGapMs: 10_000 };
    const detections = detectAccountAlerts(facts);
    const opened = advanceAlerts([], detections, at, settings);
    expect(opened.map((change) => [change.kind, change.kind === "open" ? change.state : null])).toEqual([
      ["open", "firing"],
      ["open", "firing"],
    ]);
    const open = opened.map((change, index) => {
      if (change.kind !== "open") throw new Error("expected open");
      return { id: `a${index}`, ruleId: change.ruleId, subjectKey: change.subject.key, serviceId: change.serviceId, state: change.state, sentence: change.sentence, startedAt: at, lastSeenAt: at, maintenance: null };
    });
    expect(advanceAlerts(open, detections, new Date(at.getTime() + 1000), settings).map((change) => change.kind)).toEqual(["hold", "hold"]);
    expect(advanceAlerts(open, [], new Date(at.getTime() + 2000), settings).map((change) => change.kind)).toEqual(["resolve", "resolve"]);
  });
});
