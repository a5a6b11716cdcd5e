import { describe, expect, it } from "vitest";
import { NOT_A_VOTE, votes, votingLinks, type WitnessVoteLink } from "./witness-votes";

const primary = { id: "p", regionId: "us" };
const replicas = [
  { id: "p", hasAgent: true },
  { id: "e", hasAgent: true },
  { id: "e2", hasAgent: true },
  { id: "g", hasAgent: true },
  { id: "revoked", hasAgent: false },
];
const link = (from: string, fromRegionId: string, to = "p"): WitnessVoteLink => ({ fromReplicaId: from, fromRegionId, toReplicaId: to });

describe("which witness links vote about a replica", () => {
  it("keeps other regions' links from the service's replicas with an active agent", () => {
    expect(votingLinks([link("e", "eu"), link("g", "gcp")], primary, replicas)).toEqual([link("e", "eu"), link("g", "gcp")]);
  });

  it.each([
    ["own-replica", link("p", "eu")],
    ["other-service", link("elsewhere", "eu")],
    ["no-active-agent", link("revoked", "eu")],
    ["same-region", link("e", "us")],
  ])("leaves out a link when %s applies, and only that rule excludes it", (id, excluded) => {
    expect(votingLinks([excluded, link("g", "gcp")], primary, replicas)).toEqual([link("g", "gcp")]);
    const byId = new Map(replicas.map((replica) => [replica.id, replica]));
    expect(NOT_A_VOTE.filter((rule) => rule.excludes(excluded, primary, byId)).map((rule) => rule.id)).toContain(id);
  });

  it("weighs only links into the replica in question", () => {
    expect(votingLinks([link("e", "eu", "g")], primary, replicas)).toEqual([]);
  });

  it("counts one vote per region, however many witnesses it holds", () => {
    expect(votes([link("e", "eu"), link("e2", "eu"), link("g", "gcp")])).toBe(2);
    expect(votes([])).toBe(0);
  });

  it("declares every exclusion once, with a sentence", () => {
    expect(new Set(NOT_A_VOTE.map((rule) => rule.id)).size).toBe(NOT_A_VOTE.length);
    for (const rule of NOT_A_VOTE) expect(rule.sentence).toMatch(/^[a-z].+[^.]$/);
  });
});
