import type { Role } from "./permissions";

/**
 * What is known of how an approver's account came to be able to approve:
 * who created it, who granted it approver or admin, who last reset its
 * password. Each of those people could have chosen (or learnt) its
 * password, so the account does not count as a second person for them.
 */
export interface ApproverHistory {
  createdById: string | null;
  createdAt: Date;
  passwordResetById: string | null;
  passwordResetAt: Date | null;
  /** Grants of approver or admin to the account that are in force. */
  grants: { requesterId: string | null; deciderId: string | null; decidedAt: Date; roles: Role[] }[];
}

export interface Person {
  id: string;
  label: string;
}

/** How the requester vouched for the approver's account, and when. */
interface Vouching {
  at: Date;
  how: string;
}

function vouchings(history: ApproverHistory, requester: Person): Vouching[] {
  const found: Vouching[] = [];
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
 * The two-person rule counts people, not accounts: an approval from an
 * account the requester created, promoted or reset within the cool-off
 * window is refused (the sentence says why and until when), so one admin
 * cannot approve their own change through an account they made. Null when
 * the approval may count.
 */
export function coolOffRefusal(approver: Person, history: ApproverHistory, requester: Person, now: Date, coolOffMs: number): string | null {
  if (approver.id === requester.id || coolOffMs <= 0) return null;
  const recent = vouchings(history, requester).filter((vouching) => now.getTime() - vouching.at.getTime() < coolOffMs);
  if (recent.length === 0) return null;
  const latest = recent.reduce((a, b) => (b.at > a.at ? b : a));
  const until = new Date(latest.at.getTime() + coolOffMs);
  const days = Math.round((coolOffMs / 86_400_000) * 10) / 10;
  return (
    `cool-off: ${approver.label} was ${latest.how} at ${latest.at.toISOString()}; an account its requester created, promoted or reset ` +
    `cannot approve that requester's changes for ${days} day${days === 1 ? "" : "s"} (until ${until.toISOString()}); another approver must`
  );
}
