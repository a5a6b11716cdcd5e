"use client";

import { useState, useTransition } from "react";
import type { RoleGrantView } from "@/contracts/users";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import { approveRoleGrantAction } from "./actions/approve-role-grant";
import { rejectRoleGrantAction } from "./actions/reject-role-grant";

function GrantRow({ grant, currentUserId, currentEmail }: { grant: RoleGrantView; currentUserId: string; currentEmail: string }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const mine = grant.requester === currentEmail;
  const toMe = grant.userId === currentUserId;

  function decide(kind: "approve" | "reject") {
    startTransition(async () => {
      const result = kind === "approve" ? await approveRoleGrantAction({ id: grant.id, body: text.trim() ? { note: text.trim() } : {} }) : await rejectRoleGrantAction({ id: grant.id, body: { reason: text.trim() } });
      setError(result.ok ? null : result.error.message);
    });
  }

  return (
    <tr data-testid={`grant-${grant.user}`}>
      <td>
        {grant.user}
        <div className="row">
          {grant.roles.map((role) => (
            <Badge key={role} tone="warn">
              {role}
            </Badge>
          ))}
        </div>
      </td>
      <td>
        {grant.requester ?? "the host"}
        {grant.reason ? <div className="muted">“{grant.reason}”</div> : null}
      </td>
      <td>
        <Timestamp iso={grant.expiresAt} />
      </td>
      <td>
        {mine || toMe ? (
          <p className="muted">{mine ? "You asked for this: another admin must approve it." : "This grant is to you: another admin must approve it."}</p>
        ) : null}
        <div className="row" style={{ gap: 6 }}>
          <input
            type="text"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={mine ? "Why withdraw it?" : "Note, or why reject it"}
            aria-label={`Note or reason for the grant to ${grant.user}`}
          />
          {mine || toMe ? null : (
            <button type="button" className="button button-primary button-small" disabled={pending} onClick={() => decide("approve")}>
              Approve
            </button>
          )}
          <button type="button" className="button button-small button-danger" disabled={pending} onClick={() => decide("reject")}>
            {mine ? "Withdraw" : "Reject"}
          </button>
        </div>
        {error ? (
          <div className="field-error" role="alert">
            {error}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function PendingGrants({ grants, currentUserId, currentEmail }: { grants: RoleGrantView[]; currentUserId: string; currentEmail: string }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Grant</th>
            <th scope="col">Asked for by</th>
            <th scope="col">Lapses (UTC)</th>
            <th scope="col">
              <span className="muted">Decision</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <GrantRow key={grant.id} grant={grant} currentUserId={currentUserId} currentEmail={currentEmail} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
