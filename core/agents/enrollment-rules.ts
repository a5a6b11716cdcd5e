/** What an enrollment finds: its token as stored (null when no token has that hash), and the replica's active agent. */
export interface EnrollmentFacts {
  token: { usedAt: Date | null; expiresAt: Date } | null;
  replicaName: string;
  /** When the replica was retired from its service (a topology change), or null. */
  replicaRetiredAt: Date | null;
  activeAgent: string | null;
  replace: boolean;
  now: Date;
}

export interface EnrollmentRule {
  id: string;
  when: (facts: EnrollmentFacts) => boolean;
  /** 401 says nothing of the replica (the caller has proved nothing yet); 409 may, since the token is valid for it. */
  status: 401 | 409;
  field: "token" | "replace";
  sentence: (facts: EnrollmentFacts) => string;
}

/**
 * Why an enrollment is refused, first match wins; an enrollment no row
 * refuses goes ahead. Ids are stable (tests and the README name them). A
 * refusal writes nothing, so a 409 leaves the token usable with `replace`.
 */
export const ENROLLMENT_RULES: readonly EnrollmentRule[] = [
  {
    id: "enroll-token-unknown",
    when: ({ token }) => token === null,
    status: 401,
    field: "token",
    sentence: () => "The enrollment token is unknown: copy it again, or ask an admin to issue a new one (switchyard enroll-token <service>/<replica>).",
  },
  {
    id: "enroll-token-used",
    when: ({ token }) => token?.usedAt != null,
    status: 401,
    field: "token",
    sentence: ({ token }) => `The enrollment token was already used (at ${token!.usedAt!.toISOString()}); each token enrolls one agent: ask an admin for a new one.`,
  },
  {
    id: "enroll-token-expired",
    when: ({ token, now }) => token !== null && token.expiresAt.getTime() <= now.getTime(),
    status: 401,
    field: "token",
    sentence: ({ token }) => `The enrollment token expired at ${token!.expiresAt.toISOString()}: ask an admin for a new one.`,
  },
  {
    id: "enroll-replica-retired",
    when: ({ replicaRetiredAt }) => replicaRetiredAt !== null,
    status: 409,
    field: "token",
    sentence: ({ replicaName, replicaRetiredAt }) => `Replica ${replicaName} was retired from its service at ${replicaRetiredAt!.toISOString()}; it takes no agent.`,
  },
  {
    id: "enroll-replica-has-agent",
    when: ({ activeAgent, replace }) => activeAgent !== null && !replace,
    status: 409,
    field: "replace",
    sentence: ({ replicaName, activeAgent }) =>
      `Replica ${replicaName} already has the active agent ${activeAgent}; enroll with --replace (replace: true) to revoke it and take its place, or revoke it first.`,
  },
];

export type EnrollmentDecision =
  | { ok: true; revokes: string | null }
  | { ok: false; rule: string; status: 401 | 409; field: "token" | "replace"; message: string };

export function decideEnrollment(facts: EnrollmentFacts): EnrollmentDecision {
  const rule = ENROLLMENT_RULES.find((candidate) => candidate.when(facts));
  if (rule) return { ok: false, rule: rule.id, status: rule.status, field: rule.field, message: rule.sentence(facts) };
  return { ok: true, revokes: facts.activeAgent };
}

/**
 * The first of `agent-<replica>`, `agent-<replica>-2`, … that no agent has
 * (agent names are unique across services, and revoked agents keep theirs).
 */
export function enrolledAgentName(replicaName: string, taken: ReadonlySet<string>): string {
  const base = `agent-${replicaName}`;
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}
