/** What deciding a post to the public status page reads. */
export interface PublicPostInput {
  /** The person posting. */
  authorId: string;
  /** The incident's commander, if one took command. */
  commanderId: string | null;
  /** The public title it has, or the one the post gives it. */
  publicTitle: string | null;
  titleGiven: string | null;
}

export const PUBLIC_POST_RULE_IDS = ["no-commander", "commander-only", "title-first", "commander-posts"] as const;
export type PublicPostRuleId = (typeof PUBLIC_POST_RULE_IDS)[number];

export interface PublicPostRule {
  id: PublicPostRuleId;
  when(input: PublicPostInput): boolean;
  allowed: boolean;
  sentence: string;
}

/**
 * Who may tell the public, first match wins. One voice speaks for an
 * incident outside the team: its commander, in words written for the
 * public (the status page never shows the internal notes, which name
 * replicas and regions). The first post names the incident publicly.
 */
export const PUBLIC_POST_RULES: readonly PublicPostRule[] = [
  {
    id: "no-commander",
    when: (input) => input.commanderId === null,
    allowed: false,
    sentence: "Nobody commands the incident yet: the status page hears from its commander, so someone takes command first.",
  },
  {
    id: "commander-only",
    when: (input) => input.commanderId !== input.authorId,
    allowed: false,
    sentence: "Only the incident's commander posts to the status page.",
  },
  {
    id: "title-first",
    when: (input) => input.publicTitle === null && input.titleGiven === null,
    allowed: false,
    sentence: "The first post to the status page gives the incident a public title.",
  },
  { id: "commander-posts", when: () => true, allowed: true, sentence: "The commander tells the public, in words written for them." },
];

export function decidePublicPost(input: PublicPostInput): PublicPostRule {
  return PUBLIC_POST_RULES.find((rule) => rule.when(input))!;
}
