"use client";

import { useState } from "react";
import type { DrillApprovalView } from "@/contracts/drills";
import { ApiClientError } from "@/client/api-client";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

export interface ApprovalAbilities {
  /** Holds the approver role over what the drill acts on. */
  approve: boolean;
  /** Asked for the drill (started it or its plan, or created its schedule): may reject it, never approve it. */
  isRequester: boolean;
}

function StatusBadge({ approval }: { approval: DrillApprovalView }) {
  if (approval.status === "pending") return <Badge tone="warn">awaiting approval</Badge>;
  if (approval.status === "approved") return <Badge tone="ok">✓ approved</Badge>;
  return <Badge tone="bad">{approval.status === "rejected" ? "✕ rejected" : "✕ expired unapproved"}</Badge>;
}

/**
 * The second person's approval a drill (or a plan drill) waits for: who
 * asked, until when, and, to those who may decide, a note with Approve and
 * Reject; to others, what it takes.
 */
export function DrillApprovalPanel({
  approval,
  subject,
  may,
  pending,
  error,
  onDecide,
}: {
  approval: DrillApprovalView;
  subject: "drill" | "plan drill";
  may: ApprovalAbilities;
  pending: boolean;
  error: unknown;
  onDecide: (decision: "approve" | "reject", note: string) => void;
}) {
  const [note, setNote] = useState("");
  const noteOk = note.trim().length >= 3;
  return (
    <section className="card" aria-labelledby="drill-approval" style={{ marginBottom: 16 }}>
      <h2 id="drill-approval" style={{ marginBottom: 10 }}>
        Approval <StatusBadge approval={approval} />
      </h2>
      <p>
        {approval.services.join(", ")} {approval.services.length === 1 ? "requires" : "require"} a second person's approval of {approval.services.length === 1 ? "its" : "their"} drills. Asked by{" "}
        {approval.requestedBy ?? "its schedule"};{" "}
        {approval.status === "pending" ? (
          <>
            nothing starts until it is approved, and it expires unapproved at <Timestamp iso={approval.expiresAt} />.
          </>
        ) : approval.status === "expired" ? (
          <>
            no one approved it by <Timestamp iso={approval.expiresAt} />, so nothing started.
          </>
        ) : (
          <>
            {approval.status} by {approval.decidedBy} {approval.decidedAt ? <Timestamp iso={approval.decidedAt} /> : null}: “{approval.note}”.
          </>
        )}
      </p>
      {approval.status !== "pending" ? null : may.approve ? (
        <div className="row" style={{ marginTop: 8 }}>
          <label className="field" style={{ flex: 1, minWidth: 220 }}>
            <span className="hint">Note for the audit trail (at least 3 characters)</span>
            <input type="text" value={note} onChange={(event) => setNote(event.target.value)} aria-label={`Note on this ${subject}'s approval`} />
          </label>
          {may.isRequester ? null : (
            <button type="button" className="button button-primary" disabled={pending || !noteOk} onClick={() => onDecide("approve", note.trim())}>
              Approve
            </button>
          )}
          <button type="button" className="button button-danger" disabled={pending || !noteOk} onClick={() => onDecide("reject", note.trim())}>
            Reject
          </button>
          {may.isRequester ? <span className="muted">You asked for this {subject}: someone else must approve it; you may reject (withdraw) it.</span> : null}
          {error ? (
            <span className="field-error" role="alert">
              {error instanceof ApiClientError ? error.message : "The decision was not recorded."}
            </span>
          ) : null}
        </div>
      ) : (
        <p className="muted">
          {may.isRequester
            ? `You asked for this ${subject}: a person with the approver role other than you must approve it.`
            : `Approving or rejecting a ${subject} needs the approver role${subject === "plan drill" ? " fleet-wide" : ` on ${approval.services.join(", ")}`}.`}
        </p>
      )}
    </section>
  );
}
