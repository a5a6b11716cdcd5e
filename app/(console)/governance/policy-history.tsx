"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { PolicyVersionView } from "@/contracts/policies";
import { ApiClientError } from "@/client/api-client";
import { governanceQueries, reviewEmergencyChange } from "@/client/queries/governance";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import type { GovernanceAbilities } from "./abilities";

function ReviewForm({ version, may }: { version: PolicyVersionView; may: GovernanceAbilities }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const review = useMutation({
    mutationFn: () => reviewEmergencyChange(version.id, note.trim()),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: governanceQueries.all() }),
  });
  if (!may.approve) return <span className="muted">Waiting for an approver's review.</span>;
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        review.mutate();
      }}
    >
      <label className="field" style={{ flex: 1, minWidth: 220 }}>
        <span className="hint">Review note for version {version.version}</span>
        <input type="text" value={note} onChange={(event) => setNote(event.target.value)} required minLength={3} />
      </label>
      <button type="submit" className="button" disabled={review.isPending}>
        Record review
      </button>
      {review.isError ? (
        <span className="field-error" role="alert">
          {review.error instanceof ApiClientError ? review.error.message : "The review was not recorded."}
        </span>
      ) : null}
    </form>
  );
}

/** A policy's versions, newest first, with their author, change request and emergency review state. */
export function PolicyHistory({ policyRef, may }: { policyRef: string; may: GovernanceAbilities }) {
  const { data, isPending, isError } = useQuery(governanceQueries.versions(policyRef));
  if (isPending) return <p className="muted">Loading the history…</p>;
  if (isError) return <p className="field-error">Could not load the history of {policyRef}.</p>;
  if (data.versions.length === 0) return <p className="muted">No version of its own yet; it inherits the global policy.</p>;
  return (
    <ol className="plain-list stack" aria-label={`Versions of ${policyRef}`}>
      {data.versions.map((version) => (
        <li key={version.id} className="replica" aria-label={`Version ${version.version}${version.emergency ? " (emergency)" : ""}`}>
          <h3>
            <span>
              v{version.version} {version.current ? <Badge tone="ok">in force</Badge> : null}{" "}
              {version.emergency ? <Badge tone={version.review ? "info" : "warn"}>{version.review ? "emergency, reviewed" : "emergency, review pending"}</Badge> : null}
            </span>
            <Timestamp iso={version.createdAt} />
          </h3>
          <div className="muted">
            by {version.author ?? "the seed"}
            {version.changeRequestId ? (
              <>
                {" "}
                · <Link href={`/governance/change-requests/${version.changeRequestId}`}>change request</Link>
              </>
            ) : null}
            {version.review ? ` · reviewed by ${version.review.reviewedBy}${version.review.note ? `: “${version.review.note}”` : ""}` : ""}
          </div>
          {version.emergency && !version.review ? <ReviewForm version={version} may={may} /> : null}
          <details>
            <summary>Document</summary>
            <pre className="mono" style={{ whiteSpace: "pre-wrap" }}>
              {JSON.stringify(version.document, null, 2)}
            </pre>
          </details>
        </li>
      ))}
    </ol>
  );
}
