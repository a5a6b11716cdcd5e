import { describe, expect, it } from "vitest";
import { decideRepointServer, REPOINT_SERVER_RULES, type RepointServerFacts } from "./repoint-down-server";

const UNFINISHED = { primary: "10.0.0.2:5432", startedAt: "2026-12-08T03:00:00.000Z" };

function everyFacts(): RepointServerFacts[] {
  const all: RepointServerFacts[] = [];
  for (const serverSection of [true, false])
    for (const running of [true, false]) for (const unfinishedRebuild of [UNFINISHED, null]) all.push({ serverSection, running, unfinishedRebuild });
  return all;
}

describe("what a repoint does about a server that may be down", () => {
  it("re-points a running server, even when a rebuild of the agent's did not finish", () => {
    expect(decideRepointServer({ serverSection: true, running: true, unfinishedRebuild: null }).id).toBe("server-runs");
    expect(decideRepointServer({ serverSection: true, running: true, unfinishedRebuild: UNFINISHED }).action).toBe("repoint");
  });

  it("rebuilds a server that is down after the agent's own unfinished rebuild", () => {
    const rule = decideRepointServer({ serverSection: true, running: false, unfinishedRebuild: UNFINISHED });
    expect(rule).toMatchObject({ id: "rebuild-unfinished", action: "rebuild" });
  });

  it("never starts a server that is down for any other reason", () => {
    expect(decideRepointServer({ serverSection: true, running: false, unfinishedRebuild: null })).toMatchObject({ id: "stopped-by-someone-else", action: "fail" });
  });

  it("without a server section, connects as it always did (it can tell nothing about the server)", () => {
    for (const facts of everyFacts().filter((facts) => !facts.serverSection)) expect(decideRepointServer(facts).id).toBe("no-server-section");
  });

  it("rebuilds only a server that is down, with a server section, after the agent's unfinished rebuild", () => {
    for (const facts of everyFacts()) {
      expect(decideRepointServer(facts).action === "rebuild").toBe(facts.serverSection && !facts.running && facts.unfinishedRebuild !== null);
    }
  });

  it("has stable ids, one sentence each, and every rule reachable", () => {
    expect(REPOINT_SERVER_RULES.map((rule) => rule.id)).toEqual(["no-server-section", "server-runs", "rebuild-unfinished", "stopped-by-someone-else"]);
    for (const rule of REPOINT_SERVER_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    const reached = new Set(everyFacts().map((facts) => decideRepointServer(facts).id));
    expect([...reached].sort()).toEqual(REPOINT_SERVER_RULES.map((rule) => rule.id).sort());
  });
});
