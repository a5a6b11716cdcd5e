/** A change request as the decision sees it, read under its lock with one `now`. */
export interface ChangeRequestState {
  status: "open" | "applied" | "rejected" | "expired" | "withdrawn";
  requesterId: string;
  requiredApprovals: number;
  baseVersion: number;
  /** The policy's version in force now. */
  currentVersion: number;
  expiresAt: Date;
  approvals: { approverId: string; decision: "approved" | "rejected" }[];
}

export type ChangeRequestAction = { type: "approve" } | { type: "reject"; reason: string } | { type: "rebase" };

export interface ChangeRequestActor {
  userId: string;
  label: string;
}

export type ChangeRequestDecision =
  /** Record the approval; `apply` when it is the M-th. */
  | { outcome: "approve"; apply: boolean; approvals: number; sentence: string }
  | { outcome: "reject"; sentence: string }
  /** Move the request onto the current version and drop its approvals. */
  | { outcome: "rebase"; sentence: string }
  | { outcome: "refuse"; status: 403 | 409; rule: RefusalRule; sentence: string };

export type RefusalRule = "not-open" | "expired" | "two-person" | "already-decided" | "stale-base" | "not-requester" | "not-stale";

/** Open and before its deadline; an open request past it reads as expired. */
export function effectiveStatus(state: Pick<ChangeRequestState, "status" | "expiresAt">, now: Date): ChangeRequestState["status"] {
  return state.status === "open" && now >= state.expiresAt ? "expired" : state.status;
}

const refuse = (status: 403 | 409, rule: RefusalRule, sentence: string): ChangeRequestDecision => ({ outcome: "refuse", status, rule, sentence });

/**
 * The two-person rule and the life of a change request: never approved by
 * its requester, each approver once, any approver may reject with a reason,
 * nothing after the deadline, and never applied over a version newer than
 * the one it was written against.
 */
export function decideChangeRequest(state: ChangeRequestState, action: ChangeRequestAction, actor: ChangeRequestActor, now: Date): ChangeRequestDecision {
  const status = effectiveStatus(state, now);
  if (status === "expired") return refuse(409, "expired", `the request expired at ${state.expiresAt.toISOString()}; propose the change again`);
  if (status !== "open") return refuse(409, "not-open", `the request is ${status}; only an open request can be decided`);
  const stale = state.baseVersion !== state.currentVersion;

  if (action.type === "rebase") {
    if (actor.userId !== state.requesterId) return refuse(403, "not-requester", "only the requester can rebase their request");
    if (!stale) return refuse(409, "not-stale", `the request is already based on the current version ${state.currentVersion}`);
    const dropped = state.approvals.filter((approval) => approval.decision === "approved").length;
    return {
      outcome: "rebase",
      sentence: `${actor.label} rebased the request from version ${state.baseVersion} onto version ${state.currentVersion}${dropped ? `; ${dropped} approval${dropped === 1 ? "" : "s"} dropped` : ""}`,
    };
  }

  if (actor.userId === state.requesterId) {
    return refuse(403, "two-person", `two-person rule: the requester cannot ${action.type} their own change request; another approver must`);
  }
  if (state.approvals.some((approval) => approval.approverId === actor.userId)) {
    return refuse(409, "already-decided", `${actor.label} has already decided on this request; each approver counts once`);
  }

  if (action.type === "reject") return { outcome: "reject", sentence: `${actor.label} rejected the request: ${action.reason}` };

  if (stale) {
    return refuse(409, "stale-base", `rebase needed: the request was written against version ${state.baseVersion}, but version ${state.currentVersion} is in force now`);
  }
  const approvals = state.approvals.filter((approval) => approval.decision === "approved").length + 1;
  const apply = approvals >= state.requiredApprovals;
  return {
    outcome: "approve",
    apply,
    approvals,
    sentence: apply
      ? `${actor.label} approved (${approvals} of ${state.requiredApprovals}); the new version is applied`
      : `${actor.label} approved (${approvals} of ${state.requiredApprovals}); ${state.requiredApprovals - approvals} more needed`,
  };
}
