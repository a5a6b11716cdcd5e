import { describe, expect, it } from "vitest";
import { isSilent, type ObservedPrimary, primaryLoss } from "./primary-loss";
import type { WitnessLink } from "./witness-link";

const NOW = new Date("2026-12-03T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const WINDOW = 5_000;

const PRIMARY: ObservedPrimary = { id: "p", name: "pg-us-east-1", regionId: "aws:us-east-1", lastReportAt: ago(60_000), reachable: null };
const REPLICAS = [
  { id: "p", hasAgent: true },
  { id: "e", hasAgent: true },
  { id: "g", hasAgent: true },
];
const link = (from: string, regionId: string, fields: Partial<WitnessLink> = {}): WitnessLink => ({
  fromReplicaId: from,
  fromRegionId: regionId,
  toReplicaId: "p",
  reachable: false,
  unreachableSince: ago(30_000),
  observedAt: ago(500),
  ...fields,
});
const FAILING = [link("e", "aws:eu-west-1"), link("g", "gcp:europe-west3")];

const loss = (fields: { primary?: Partial<ObservedPrimary>; witnesses?: WitnessLink[]; quorum?: number } = {}) =>
  primaryLoss({ primary: { ...PRIMARY, ...fields.primary }, replicas: REPLICAS, witnesses: fields.witnesses ?? FAILING, windowMs: WINDOW, quorum: fields.quorum ?? 2, now: NOW });

describe("whether the primary is lost", () => {
  it("is confirmed when its agent is silent and a quorum of witnesses still observing have failed to reach it for the window", () => {
    expect(loss()).toEqual({
      state: "confirmed",
      sentence: "pg-us-east-1's reports stopped 60 s ago (stale after 5 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s",
    });
    expect(loss({ primary: { lastReportAt: ago(100), reachable: false } }).state).toBe("confirmed");
    expect(loss({ primary: { lastReportAt: null } }).sentence).toMatch(/^pg-us-east-1 has never reported, and 2 witnesses/);
  });

  it("is heard while its agent reports in time that it answers, whatever the witnesses say", () => {
    expect(loss({ primary: { lastReportAt: ago(1_000), reachable: true } })).toEqual({ state: "heard", sentence: "pg-us-east-1 answers its agent, which reported within 5 s" });
  });

  it("is unconfirmed while any voting witness still reaches it: the control plane lost its agent, not the primary", () => {
    const reached = loss({ witnesses: [link("e", "aws:eu-west-1"), link("g", "gcp:europe-west3", { reachable: true, unreachableSince: null })], quorum: 1 });
    expect(reached).toEqual({
      state: "unconfirmed",
      sentence: "pg-us-east-1's reports stopped 60 s ago (stale after 5 s), but 1 witness in other regions still reaches it: the control plane lost contact with its agent",
    });
  });

  // The runbook condition used to count any link marked unreachable, whatever its age: these are the cases where it said "lost" and the automation did not.
  it("is unconfirmed while the witnesses have failed for less than the window (a blip)", () => {
    expect(loss({ witnesses: FAILING.map((failing) => ({ ...failing, unreachableSince: ago(4_000) })) })).toEqual({
      state: "unconfirmed",
      sentence: "pg-us-east-1's reports stopped 60 s ago (stale after 5 s), but only 0 of the 2 witnesses in other regions the quorum needs have failed to reach it for 5 s",
    });
  });

  it("does not count a link no witness has refreshed within the window: it says nothing about now", () => {
    expect(loss({ witnesses: [FAILING[0]!, { ...FAILING[1]!, observedAt: ago(6_000) }] }).state).toBe("unconfirmed");
  });

  it("counts one vote per region, and none from the primary's own region or from outside the service", () => {
    const sameRegion = [link("e", "aws:eu-west-1"), link("e2", "aws:eu-west-1"), link("x", "gcp:europe-west3"), link("u", "aws:us-east-1")];
    const replicas = [...REPLICAS, { id: "e2", hasAgent: true }, { id: "u", hasAgent: true }];
    expect(primaryLoss({ primary: PRIMARY, replicas, witnesses: sameRegion, windowMs: WINDOW, quorum: 2, now: NOW }).state).toBe("unconfirmed");
  });
});

describe("a replica's silence", () => {
  it("starts when no report came within the window, or none ever did", () => {
    expect(isSilent({ lastReportAt: ago(5_000) }, NOW, WINDOW)).toBe(false);
    expect(isSilent({ lastReportAt: ago(5_001) }, NOW, WINDOW)).toBe(true);
    expect(isSilent({ lastReportAt: null }, NOW, WINDOW)).toBe(true);
  });
});
