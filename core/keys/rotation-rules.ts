export type RotationStep = "start" | "complete" | "cancel";

/** What a rotation step finds, read under the rotation's lock. */
export interface RotationFacts {
  step: RotationStep;
  current: { id: string };
  /** The key a rotation in progress distributes, or null. */
  next: { id: string } | null;
  /** Active agents whose last command poll did not confirm the next key. */
  unconfirmedAgents: readonly string[];
  force: boolean;
}

export interface RotationRule {
  id: string;
  steps: readonly RotationStep[];
  when: (facts: RotationFacts) => boolean;
  sentence: (facts: RotationFacts) => string;
}

const MAX_NAMED = 10;

function named(agents: readonly string[]): string {
  const shown = agents.slice(0, MAX_NAMED).join(", ");
  return agents.length > MAX_NAMED ? `${shown} and ${agents.length - MAX_NAMED} more` : shown;
}

/**
 * Why a rotation step is refused (409), first match wins; a step no row
 * refuses goes ahead. Ids are stable (tests and the README name them).
 */
export const ROTATION_RULES: readonly RotationRule[] = [
  {
    id: "rotation-already-started",
    steps: ["start"],
    when: ({ next }) => next !== null,
    sentence: ({ next }) => `A rotation is already in progress (next key ${next!.id}): complete or cancel it first.`,
  },
  {
    id: "rotation-not-started",
    steps: ["complete", "cancel"],
    when: ({ next }) => next === null,
    sentence: ({ current }) => `No rotation is in progress: the command key ${current.id} signs, and no next key is being distributed. Start a rotation first.`,
  },
  {
    id: "rotation-agents-unconfirmed",
    steps: ["complete"],
    when: ({ unconfirmedAgents, force }) => unconfirmedAgents.length > 0 && !force,
    sentence: ({ unconfirmedAgents, current }) =>
      `${unconfirmedAgents.length} active agent${unconfirmedAgents.length === 1 ? " has" : "s have"} not confirmed the next key: ${named(unconfirmedAgents)}. ` +
      `Completing retires ${current.id}, the only key they verify with, and they would refuse every command until enrolled again. ` +
      "Wait until they poll for commands (agents that take no commands never confirm), or complete with force.",
  },
];

export type RotationDecision = { ok: true } | { ok: false; rule: string; message: string };

export function decideRotation(facts: RotationFacts): RotationDecision {
  const rule = ROTATION_RULES.find((candidate) => candidate.steps.includes(facts.step) && candidate.when(facts));
  return rule ? { ok: false, rule: rule.id, message: rule.sentence(facts) } : { ok: true };
}
