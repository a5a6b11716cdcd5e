"use client";

import { useState } from "react";
import type { RoleGrantView } from "@/contracts/users";
import { api } from "@/client/api-client";
import { usePageMutation } from "@/client/page-mutation";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

function GrantRow({ grant, currentUserId, currentEmail }: { grant: RoleGrantView; currentUserId: string; currentEmail: string }) {
  const [text, setText] = useState("");
  const decide = usePageMutation((kind: "approve" | "reject") =>
    kind === "approve"
      ? api.call("approveRoleGrant", { params: { id: grant.id }, body: text.trim() ? { note: text.trim() } : {} })
      : api.call("rejectRoleGrant", { params: { id: grant.id }, body: { reason: text.trim() } }),
  );
  const pending = decide.isPending;
  const mine = grant.requester === currentEmail;
  const toMe = grant.userId === currentUserId;

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
            <button type="button" className="button button-primary button-small" disabled={pending} onClick={() => decide.mutate("approve")}>
              Approve
            </button>
          )}
          <button type="button" className="button button-small button-danger" disabled={pending} onClick={() => decide.mutate("reject")}>
            {mine ? "Withdraw" : "Reject"}
          </button>
        </div>
        {decide.error ? (
          <div className="field-error" role="alert">
            {decide.error.message}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function PendingGrants({ grants, currentUserId, currentEmail }: { grants: RoleGrantView[]; currentUserId: string; currentEmail: string }) {
  return (
    <div className="table-wrap" tabIndex={0}>
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
