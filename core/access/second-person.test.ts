import { describe, expect, it } from "vitest";
import { secondPersonRefusal, type ApproverHistory } from "./second-person";

const DAY = 86_400_000;
const now = new Date("2026-12-03T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const week = 7 * DAY;
const alice = { id: "alice", label: "alice@example.com" };
const carol = { id: "carol", label: "carol@example.com" };
/** An account the host made long ago, whose owner has set their own password since. */
const independent: ApproverHistory = { createdById: null, createdAt: ago(400), passwordChangedAt: ago(399), passwordResetById: null, passwordResetAt: null, grants: [] };

describe("secondPersonRefusal", () => {
  it("lets an account nobody vouched for approve", () => {
    expect(secondPersonRefusal(carol, independent, alice, now, week)).toBeNull();
  });

  it("refuses an account the requester created within the window, says until when, and that its owner must change the password they chose", () => {
    expect(secondPersonRefusal(carol, { ...independent, createdById: "alice", createdAt: ago(2), passwordChangedAt: null }, alice, now, week)).toBe(
      "carol@example.com still signs in with the password alice@example.com chose when they created the account at 2026-12-01T12:00:00.000Z; its owner must change it (Settings → Your account) first; " +
        "and cool-off: carol@example.com was created by alice@example.com at 2026-12-01T12:00:00.000Z; an account its requester created, promoted or reset cannot approve that requester's changes for 7 days (until 2026-12-08T12:00:00.000Z); another approver must",
    );
  });

  it("still refuses, after the window, an account signing in with a password the requester chose", () => {
    const created = { ...independent, createdById: "alice", createdAt: ago(30), passwordChangedAt: null };
    expect(secondPersonRefusal(carol, created, alice, now, week)).toMatch(/^carol@example.com still signs in with the password alice@example.com chose when they created the account/);
    const reset = { ...independent, passwordResetById: "alice", passwordResetAt: ago(30) };
    expect(secondPersonRefusal(carol, reset, alice, now, week)).toMatch(/chose when they reset it at/);
    // Once its owner changed it, only the window counts.
    expect(secondPersonRefusal(carol, { ...created, passwordChangedAt: ago(29) }, alice, now, week)).toBeNull();
    expect(secondPersonRefusal(carol, { ...reset, passwordChangedAt: ago(1) }, alice, now, week)).toBeNull();
  });

  it("refuses an account granted approver at the requester's request or with their approval", () => {
    const asked = { ...independent, grants: [{ requesterId: "alice", deciderId: "bob", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(secondPersonRefusal(carol, asked, alice, now, week)).toMatch(/^cool-off: carol@example.com was granted approver at the request of alice@example.com/);
    const approved = { ...independent, grants: [{ requesterId: "bob", deciderId: "alice", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(secondPersonRefusal(carol, approved, alice, now, week)).toMatch(/granted approver with the approval of alice@example.com/);
  });

  it("refuses an account whose password the requester reset recently, even once changed since", () => {
    expect(secondPersonRefusal(carol, { ...independent, passwordResetById: "alice", passwordResetAt: ago(3), passwordChangedAt: ago(2) }, alice, now, week)).toMatch(
      /^cool-off: carol@example.com was given a new password by alice@example.com/,
    );
  });

  it("names the latest vouching, which ends last", () => {
    const history = { ...independent, createdById: "alice", createdAt: ago(6), grants: [{ requesterId: "alice", deciderId: "bob", decidedAt: ago(1), roles: ["approver" as const] }] };
    expect(secondPersonRefusal(carol, history, alice, now, week)).toMatch(/until 2026-12-09T12:00:00.000Z/);
  });

  it("lets the account approve for the requester once the window has passed and its owner chose its password, and for anyone else at once", () => {
    expect(secondPersonRefusal(carol, { ...independent, createdById: "alice", createdAt: ago(7) }, alice, now, week)).toBeNull();
    expect(secondPersonRefusal(carol, { ...independent, createdById: "alice", createdAt: ago(1), passwordChangedAt: null }, { id: "dave", label: "dave@example.com" }, now, week)).toBeNull();
  });

  it("has no window when it is zero, but still counts who chose the password", () => {
    expect(secondPersonRefusal(carol, { ...independent, createdById: "alice", createdAt: ago(0) }, alice, now, 0)).toBeNull();
    expect(secondPersonRefusal(carol, { ...independent, createdById: "alice", createdAt: ago(0), passwordChangedAt: null }, alice, now, 0)).toMatch(/still signs in/);
  });
});
