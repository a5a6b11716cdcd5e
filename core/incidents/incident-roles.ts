import type { IncidentStatus } from "./incident-status";

/** Who holds an incident's roles: one commander (or none yet) and any number of responders, by user id. */
export interface IncidentRoles {
  commanderId: string | null;
  responderIds: readonly string[];
}

/** A change of roles someone asks for; what is not named stays as it is. */
export interface RoleRequest {
  /** A user id; null takes the commander role from whoever holds it. */
  commander?: string | null;
  addResponders?: readonly string[];
  removeResponders?: readonly string[];
}

export const ROLE_RULE_IDS = [
  "resolved-roles-fixed",
  "responder-not-held",
  "commander-assigned",
  "commander-changed",
  "commander-cleared",
  "responder-added",
  "responder-removed",
  "nothing-changes",
] as const;
export type RoleRuleId = (typeof ROLE_RULE_IDS)[number];

/** One sentence per row; `{user}` and `{previous}` name the people. */
export const ROLE_RULES: Record<RoleRuleId, { allowed: boolean; sentence: string }> = {
  "resolved-roles-fixed": { allowed: false, sentence: "The incident is resolved: its roles stay as they were when it ended." },
  "responder-not-held": { allowed: false, sentence: "{user} is not a responder of this incident, so cannot be removed as one." },
  "commander-assigned": { allowed: true, sentence: "{user} takes command of the incident." },
  "commander-changed": { allowed: true, sentence: "{user} takes command of the incident from {previous}." },
  "commander-cleared": { allowed: true, sentence: "{previous} hands over command; the incident has no commander until someone takes it." },
  "responder-added": { allowed: true, sentence: "{user} joins as a responder." },
  "responder-removed": { allowed: true, sentence: "{user} is no longer a responder." },
  "nothing-changes": { allowed: false, sentence: "The request changes no role: everyone named already holds (or does not hold) the role asked for." },
};

export interface RoleChange {
  rule: RoleRuleId;
  userId: string | null;
  previousId: string | null;
}

export type RoleDecision = { ok: true; changes: RoleChange[]; after: IncidentRoles } | { ok: false; rule: RoleRuleId; userId: string | null };

/** The changes `request` makes to `roles`, or the first reason it may not. */
export function decideRoles(status: IncidentStatus, roles: IncidentRoles, request: RoleRequest): RoleDecision {
  if (status === "resolved") return { ok: false, rule: "resolved-roles-fixed", userId: null };
  const changes: RoleChange[] = [];
  let commanderId = roles.commanderId;
  if (request.commander !== undefined && request.commander !== roles.commanderId) {
    const rule: RoleRuleId = request.commander === null ? "commander-cleared" : roles.commanderId === null ? "commander-assigned" : "commander-changed";
    changes.push({ rule, userId: request.commander, previousId: roles.commanderId });
    commanderId = request.commander;
  }
  const responders = [...roles.responderIds];
  for (const userId of new Set(request.removeResponders ?? [])) {
    const index = responders.indexOf(userId);
    if (index < 0) return { ok: false, rule: "responder-not-held", userId };
    responders.splice(index, 1);
    changes.push({ rule: "responder-removed", userId, previousId: null });
  }
  for (const userId of new Set(request.addResponders ?? [])) {
    if (responders.includes(userId)) continue;
    responders.push(userId);
    changes.push({ rule: "responder-added", userId, previousId: null });
  }
  if (!changes.length) return { ok: false, rule: "nothing-changes", userId: null };
  return { ok: true, changes, after: { commanderId, responderIds: responders } };
}

/** A rule's sentence with the people's names in. */
export function roleSentence(rule: RoleRuleId, user: string | null, previous: string | null): string {
  return ROLE_RULES[rule].sentence.replace("{user}", user ?? "nobody").replace("{previous}", previous ?? "nobody");
}
