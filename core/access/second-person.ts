import type { Role } from "./permissions";

/**
 * What is known of how an approver's account came to be able to approve:
 * who created it, who granted it approver or admin, who last set its
 * password. Each of those people could have chosen (or learnt) its password,
 * so the account is not a second person for them.
 */
export interface ApproverHistory {
  createdById: string | null;
  createdAt: Date;
  /** The last time its owner changed its password themselves. */
  passwordChangedAt: Date | null;
  passwordResetById: string | null;
  passwordResetAt: Date | null;
  /** Grants of approver or admin to the account that are in force. */
  grants: { requesterId: string | null; deciderId: string | null; decidedAt: Date; roles: Role[] }[];
}

export interface Person {
  id: string;
  label: string;
}

/** Who chose the password the account signs in with now, if not its owner: its creator, or the admin who last reset it. */
function passwordSetter(history: ApproverHistory): { id: string | null; how: string; at: Date } | null {
  const changed = history.passwordChangedAt;
  if (history.passwordResetAt) {
    return changed && changed > history.passwordResetAt ? null : { id: history.passwordResetById, how: "reset it", at: history.passwordResetAt };
  }
  return changed ? null : { id: history.createdById, how: "created the account", at: history.createdAt };
}

/** How the requester vouched for the approver's account, and when. */
function vouchings(history: ApproverHistory, requester: Person): { at: Date; how: string }[] {
  const found: { at: Date; how: string }[] = [];
  if (history.createdById === requester.id) found.push({ at: history.createdAt, how: `created by ${requester.label}` });
  if (history.passwordResetById === requester.id && history.passwordResetAt) found.push({ at: history.passwordResetAt, how: `given a new password by ${requester.label}` });
  for (const grant of history.grants) {
    const roles = grant.roles.join(" and ");
    if (grant.requesterId === requester.id) found.push({ at: grant.decidedAt, how: `granted ${roles} at the request of ${requester.label}` });
    else if (grant.deciderId === requester.id) found.push({ at: grant.decidedAt, how: `granted ${roles} with the approval of ${requester.label}` });
  }
  return found;
}

/**
 * The two-person rule counts people, not accounts. An approval of the
 * requester's change (request, run step, grant) is refused from an account
 *  - that still signs in with a password the requester chose (they created
 *    it or reset its password, and its owner has not changed it since),
 *    however long ago: the requester could be the one signing in;
 *  - that the requester created, promoted or reset within the cool-off
 *    window, so a new approver is not put to use by the admin who made it
 *    before anyone has noticed (the grant alert fires meanwhile).
 * The sentence says why and what lifts it; null when the approval counts.
 */
export function secondPersonRefusal(approver: Person, history: ApproverHistory, requester: Person, now: Date, coolOffMs: number): string | null {
  if (approver.id === requester.id) return null;
  const reasons: string[] = [];
  const setter = passwordSetter(history);
  if (setter?.id === requester.id) {
    reasons.push(`${approver.label} still signs in with the password ${requester.label} chose when they ${setter.how} at ${setter.at.toISOString()}; its owner must change it (Settings → Your account) first`);
  }
  const recent = coolOffMs > 0 ? vouchings(history, requester).filter((vouching) => now.getTime() - vouching.at.getTime() < coolOffMs) : [];
  if (recent.length) {
    const latest = recent.reduce((a, b) => (b.at > a.at ? b : a));
    const until = new Date(latest.at.getTime() + coolOffMs);
    const days = Math.round((coolOffMs / 86_400_000) * 10) / 10;
    reasons.push(
      `cool-off: ${approver.label} was ${latest.how} at ${latest.at.toISOString()}; an account its requester created, promoted or reset ` +
        `cannot approve that requester's changes for ${days} day${days === 1 ? "" : "s"} (until ${until.toISOString()})`,
    );
  }
  return reasons.length ? `${reasons.join("; and ")}; another approver must` : null;
}
