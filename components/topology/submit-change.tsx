"use client";

import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";
import type { ApplyTopologyResult } from "@/contracts/topology-api";
import type { ApprovalChoice } from "@/core/topology/plan-topology";
import { ProblemAlert } from "./problem-alert";

interface SubmitChangeProps {
  idPrefix: string;
  reason: string;
  onReasonChange: (reason: string) => void;
  approval: ApprovalChoice;
  onApprovalChange: (approval: ApprovalChoice) => void;
  /** Why it cannot be submitted now (no plan of exactly this document yet, a rule broken…); null when it can. */
  blocked: string | null;
  pending: boolean;
  error: Error | null;
  onSubmit: () => void;
}

/**
 * The last step of a topology change: a reason, and whether what the plan
 * lets an admin apply alone goes to approvers anyway (the default: a second
 * person sees every change) or is applied at once, audited.
 */
export function SubmitChange({ idPrefix, reason, onReasonChange, approval, onApprovalChange, blocked, pending, error, onSubmit }: SubmitChangeProps) {
  const direct = approval === "when-required";
  return (
    <form
      className="form"
      aria-label="Submit the change"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div className="field">
        <label htmlFor={`${idPrefix}-reason`}>Reason (for the approvers and the audit trail)</label>
        <input id={`${idPrefix}-reason`} type="text" value={reason} onChange={(event) => onReasonChange(event.target.value)} required minLength={3} maxLength={2000} />
      </div>
      <div className="checkbox-row">
        <input
          id={`${idPrefix}-direct`}
          type="checkbox"
          checked={direct}
          onChange={(event) => onApprovalChange(event.target.checked ? "when-required" : "always")}
          aria-describedby={`${idPrefix}-direct-hint`}
        />
        <label htmlFor={`${idPrefix}-direct`}>Apply directly what the plan allows, without approval</label>
      </div>
      <p className="hint small" id={`${idPrefix}-direct-hint`}>
        {direct
          ? "Changes that cannot alter a failover (a brand-new service, new regions, names, owners, RTO budgets) are applied at once under your name and audited (topology.apply); the rest still become change requests."
          : "Every changed part becomes a change request on Governance: an approver other than you applies it. Tick the box to apply what the plan allows at once (audited)."}
      </p>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={blocked !== null || pending || reason.trim().length < 3}>
          {pending ? "Submitting…" : direct ? "Apply" : "Submit for approval"}
        </button>
        {blocked ? <span className="muted">{blocked}</span> : reason.trim().length < 3 ? <span className="muted">Say why, in at least 3 characters.</span> : null}
      </div>
      {error ? <ProblemAlert error={error} /> : null}
    </form>
  );
}

const scopeLink = (scope: string) => (scope.startsWith("service:") ? `/services/${encodeURIComponent(scope.slice("service:".length))}` : "/regions");

/** What submitting did: each change request opened (with a link to it on Governance), each part applied, what stayed as it was. */
export function ApplyResultPanel({ result, children }: { result: ApplyTopologyResult; children?: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  return (
    <div ref={panel} className="alert alert-ok stack" role="status" aria-label="Submitted" tabIndex={-1}>
      {result.changeRequests.length ? (
        <div>
          <strong>Change requests opened</strong>
          <ul aria-label="Change requests opened">
            {result.changeRequests.map((request) => (
              <li key={request.id}>
                <Link href={`/governance/change-requests/${encodeURIComponent(request.id)}`}>Change request for {request.scope}</Link>: needs {request.requiredApprovals} approval
                {request.requiredApprovals === 1 ? "" : "s"} from approvers other than you; nothing of it is applied before then.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.applied.length ? (
        <div>
          <strong>Applied now (audited)</strong>
          <ul aria-label="Applied">
            {result.applied.map((scope) => (
              <li key={scope}>
                <Link href={scopeLink(scope)}>{scope}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.changeRequests.length === 0 && result.applied.length === 0 ? <p>Nothing changed: the document says what is live already.</p> : null}
      {result.notes.length ? (
        <ul aria-label="Notes">
          {result.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {children}
    </div>
  );
}
