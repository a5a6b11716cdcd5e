/**
 * Which report batches one group-commit statement stores together
 * (server/ingest/group-commit.ts). A batch that may not join the group being
 * formed waits, in arrival order, for the next one: nothing is refused here.
 */

/** Most batches one storing statement takes: its parameter stays a few megabytes, its locks few enough to hold for one statement. */
export const MAX_GROUP_BATCHES = 500;

/**
 * Most reports one storing statement takes, unless a single batch holds more
 * (it is then stored alone): agents that fell behind send batches of hundreds
 * of reports, and 500 of those in one statement would hold every other agent's
 * acknowledgement for as long as it takes to write a quarter of a million rows.
 */
export const MAX_GROUP_REPORTS = 5_000;

export interface FormingGroup {
  agents: ReadonlySet<string>;
  replicas: ReadonlySet<string>;
  size: number;
  reports: number;
}

export interface Candidate {
  agentId: string;
  replicaId: string;
  reports: number;
}

export interface AdmissionRule {
  id: string;
  joins: boolean;
  when: (group: FormingGroup, candidate: Candidate) => boolean;
  sentence: string;
}

/** First matching row decides; the last row always matches. */
export const ADMISSION_RULES: readonly AdmissionRule[] = [
  {
    id: "group-full",
    joins: false,
    when: (group) => group.size >= MAX_GROUP_BATCHES,
    sentence: `The group already holds ${MAX_GROUP_BATCHES} batches; this one starts the next group.`,
  },
  {
    id: "group-reports-full",
    joins: false,
    when: (group, candidate) => group.size > 0 && group.reports + candidate.reports > MAX_GROUP_REPORTS,
    sentence: `With this batch the group would store more than ${MAX_GROUP_REPORTS} reports; it starts the next group (alone, if it holds more by itself).`,
  },
  {
    id: "agent-already-in-group",
    joins: false,
    when: (group, candidate) => group.agents.has(candidate.agentId),
    sentence: "The group holds an earlier batch of this agent, whose sequence numbers this one must be checked against once it is stored; it waits for the next group.",
  },
  {
    id: "replica-already-in-group",
    joins: false,
    when: (group, candidate) => group.replicas.has(candidate.replicaId),
    sentence: "The group holds a batch for the same replica (another agent of it), and one statement can write a replica's latest state only once; it waits for the next group.",
  },
  {
    id: "joins",
    joins: true,
    when: () => true,
    sentence: "The batch joins the group and is stored by its statement.",
  },
];

export function admission(group: FormingGroup, candidate: Candidate): AdmissionRule {
  return ADMISSION_RULES.find((rule) => rule.when(group, candidate))!;
}

/**
 * Splits waiting batches, oldest first, into the group stored now and those
 * left for later, keeping each agent's batches in their order: a batch
 * deferred for its agent holds back that agent's later batches too.
 */
export function formGroup<T extends Candidate>(waiting: readonly T[]): { group: T[]; later: T[] } {
  const agents = new Set<string>();
  const replicas = new Set<string>();
  const group: T[] = [];
  const later: T[] = [];
  let reports = 0;
  for (const candidate of waiting) {
    if (admission({ agents, replicas, size: group.length, reports }, candidate).joins) {
      group.push(candidate);
      reports += candidate.reports;
    } else {
      later.push(candidate);
    }
    agents.add(candidate.agentId);
    replicas.add(candidate.replicaId);
  }
  return { group, later };
}
