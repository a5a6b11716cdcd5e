"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { ChangeRequestView } from "@/contracts/change-requests";
import { ApiClientError } from "@/client/api-client";
import { decideChangeRequest, governanceQueries, rebaseChangeRequest } from "@/client/queries/governance";
import { ChangeRequestStatusBadge, ConsequenceList, PolicyChangeList } from "@/components/governance/policy-change-list";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import type { GovernanceAbilities } from "../../abilities";

function errorText(error: Error, fallback: string) {
  return error instanceof ApiClientError ? error.message : fallback;
}

/** Approve/reject, shown only to approvers who are not the requester and have not decided yet. */
function DecisionPanel({ request, may }: { request: ChangeRequestView; may: GovernanceAbilities }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") => decideChangeRequest(request.id, decision, text.trim()),
    onSuccess: (updated) => {
      queryClient.setQueryData(governanceQueries.changeRequest(request.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: governanceQueries.all() });
    },
  });
  const rebase = useMutation({
    mutationFn: () => rebaseChangeRequest(request.id),
    onSuccess: (updated) => queryClient.setQueryData(governanceQueries.changeRequest(request.id).queryKey, updated),
  });
  if (request.status !== "open") return null;

  const isRequester = request.requesterId === may.userId;
  if (isRequester) {
    return (
      <section className="card" aria-label="Decision">
        <p>You requested this change; approvers other than you decide on it (two-person rule).</p>
        {request.stale && may.propose ? (
          <div className="row">
            <button type="button" className="button button-primary" disabled={rebase.isPending} onClick={() => rebase.mutate()}>
              Rebase onto version {request.currentVersion}
            </button>
            <span className="muted">Version {request.currentVersion} is in force now; rebasing drops the approvals so far.</span>
          </div>
        ) : null}
        {rebase.isError ? (
          <div className="alert alert-error" role="alert">
            {errorText(rebase.error, "The request was not rebased.")}
          </div>
        ) : null}
      </section>
    );
  }
  if (!may.approve) return <p className="muted">Waiting for approvers.</p>;
  const mine = request.approvals.find((approval) => approval.approver === may.email);
  if (mine) return <p className="muted">You {mine.decision} this request; each approver counts once.</p>;
  if (request.stale) return <p className="muted">Version {request.currentVersion} is in force now; the requester must rebase this request before it can be approved.</p>;
  return (
    <section className="card" aria-label="Decision">
      <div className="field">
        <label htmlFor="decision-text">Comment (required to reject: say why)</label>
        <input id="decision-text" type="text" value={text} onChange={(event) => setText(event.target.value)} />
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <button type="button" className="button button-primary" disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
          Approve
        </button>
        <button type="button" className="button button-danger" disabled={decide.isPending || text.trim().length < 3} onClick={() => decide.mutate("reject")}>
          Reject
        </button>
      </div>
      {decide.isError ? (
        <div className="alert alert-error" role="alert" style={{ marginTop: 8 }}>
          {errorText(decide.error, "The decision was not recorded.")}
        </div>
      ) : null}
    </section>
  );
}

export function ChangeRequestDetail({ initial, may }: { initial: ChangeRequestView; may: GovernanceAbilities }) {
  const { data: request, isError } = useQuery({ ...governanceQueries.changeRequest(initial.id), initialData: initial });
  return (
    <>
      <PageHeader
        title={request.kind === "topology" ? `Topology change to ${request.scope}` : `Change to ${request.scope}`}
        description={
          <>
            <ChangeRequestStatusBadge status={request.status} stale={request.stale} /> requested by {request.requester} · “{request.reason}”
          </>
        }
      />
      {isError ? <p className="field-error">Could not refresh; showing the last state received.</p> : null}
      <section className="card" aria-label="Summary">
        <dl className="kv">
          <dt>{request.kind === "topology" ? "Base revision" : "Base version"}</dt>
          <dd>
            {request.kind === "topology" ? `revision ${request.baseVersion}` : `v${request.baseVersion}`}
            {request.stale ? ` (${request.kind === "topology" ? "revision " : "v"}${request.currentVersion} is in force now)` : ""}
          </dd>
          <dt>Approvals</dt>
          <dd aria-label="Approvals so far">
            {request.approvalsSoFar} of {request.requiredApprovals}
          </dd>
          <dt>Requested</dt>
          <dd>
            <Timestamp iso={request.createdAt} />
          </dd>
          <dt>Expires</dt>
          <dd>
            <Timestamp iso={request.expiresAt} />
          </dd>
          {request.appliedVersion ? (
            <>
              <dt>Applied as</dt>
              <dd>
                version {request.appliedVersion.version} <Timestamp iso={request.decidedAt} />
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="diff-heading">
        <h2 id="diff-heading">Changes</h2>
        <PolicyChangeList diff={request.diff} safetyRelevantFields={request.safetyRelevantFields} label="Changes" />
      </section>
      <section className="card" aria-labelledby="consequences-heading">
        <h2 id="consequences-heading">Consequences (computed now)</h2>
        <ConsequenceList consequences={request.consequences} label="Consequences" />
      </section>
      <section className="card" aria-labelledby="approvals-heading">
        <h2 id="approvals-heading">Approvals and rejections</h2>
        {request.approvals.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="plain-list stack" aria-label="Decisions">
            {request.approvals.map((approval) => (
              <li key={`${approval.approver}-${approval.createdAt}`}>
                <strong>{approval.approver}</strong> {approval.decision} <Timestamp iso={approval.createdAt} />
                {approval.comment ? `: “${approval.comment}”` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      <DecisionPanel request={request} may={may} />
      <details className="card">
        <summary>{request.kind === "topology" ? "The scope before and as proposed (fleet document)" : "Proposed document"}</summary>
        <pre className="mono" style={{ whiteSpace: "pre-wrap" }}>
          {JSON.stringify(request.document, null, 2)}
        </pre>
      </details>
      <p>
        <Link href="/governance">All policies and change requests</Link>
      </p>
    </>
  );
}
