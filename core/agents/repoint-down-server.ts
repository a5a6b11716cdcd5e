/**
 * What a `repoint` does about the local PostgreSQL before it connects. A
 * rebuild (pg_rewind or a base backup, agents/commands/rewind) stops the
 * server; one that fails part-way can leave it down, and a repoint that only
 * connects would then fail at once on every retry. So the agent remembers a
 * rebuild it began until one finishes, and a repoint that finds the server
 * down after such a rebuild rebuilds it again. A server that is down for any
 * other reason is not the agent's to start: someone stopped it, or it
 * crashed and the in-place restart gave it up (core/agents/in-place-restart.ts).
 */

export interface RepointServerFacts {
  /** The agent config has a `server` section (data folder and binaries): without it the agent can neither tell whether the server runs nor rebuild it. */
  serverSection: boolean;
  /** A postmaster runs on the data folder (postmaster.pid names a live process). */
  running: boolean;
  /** A rebuild this agent began and that has not finished: the primary it was to follow, and when it began. */
  unfinishedRebuild: { primary: string; startedAt: string } | null;
}

export type RepointServerAction = "repoint" | "rebuild" | "fail";

export interface RepointServerRule {
  id: string;
  when: (facts: RepointServerFacts) => boolean;
  action: RepointServerAction;
  sentence: string;
}

/** First match wins; ids are stable (tests and answers name them). */
export const REPOINT_SERVER_RULES: readonly RepointServerRule[] = [
  {
    id: "no-server-section",
    when: (facts) => !facts.serverSection,
    action: "repoint",
    sentence: "Without a server section the agent cannot tell whether its server runs: it connects, and a server that is down fails the command.",
  },
  {
    id: "server-runs",
    when: (facts) => facts.running,
    action: "repoint",
    sentence: "The server runs: it is re-pointed, and rebuilt only if it went past the new primary's fork.",
  },
  {
    id: "rebuild-unfinished",
    when: (facts) => facts.unfinishedRebuild !== null,
    action: "rebuild",
    sentence: "The server is down after a rebuild of this agent's that did not finish: it is rebuilt again, to follow the new primary.",
  },
  {
    id: "stopped-by-someone-else",
    when: () => true,
    action: "fail",
    sentence: "The server is down and no rebuild of this agent's left it so: it is not the agent's to start; start it (or reinstate it) and re-point it again.",
  },
];

export function decideRepointServer(facts: RepointServerFacts): RepointServerRule {
  return REPOINT_SERVER_RULES.find((rule) => rule.when(facts))!;
}
