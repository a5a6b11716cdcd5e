"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CHANGE_REQUEST_STATUSES, type ChangeRequestSummary } from "@/contracts/change-requests";
import { governanceQueries } from "@/client/queries/governance";
import { ChangeRequestTable } from "@/components/governance/change-request-table";

/** Requests with their status, approvals so far (k of M) and deadline, filtered by status. */
export function ChangeRequestList({ initial }: { initial: { changeRequests: ChangeRequestSummary[] } }) {
  const [status, setStatus] = useState<ChangeRequestSummary["status"] | "">("");
  const query = governanceQueries.changeRequests(status ? { status } : {});
  const { data, isPending, isError } = useQuery(status ? query : { ...query, initialData: initial });
  return (
    <section className="card" aria-labelledby="change-requests-heading">
      <div className="card-header">
        <h2 id="change-requests-heading">Change requests</h2>
        <div className="field">
          <label htmlFor="change-request-status">Status</label>
          <select id="change-request-status" value={status} onChange={(event) => setStatus(event.target.value as ChangeRequestSummary["status"] | "")}>
            <option value="">all</option>
            {CHANGE_REQUEST_STATUSES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </div>
      </div>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? (
        <p className="field-error" role="alert">
          Could not load the change requests.
        </p>
      ) : null}
      {data && data.changeRequests.length === 0 ? <p className="muted">No change requests{status ? ` with status ${status}` : ""}.</p> : null}
      {data && data.changeRequests.length ? (
        <ChangeRequestTable
          requests={data.changeRequests}
          subjectHeading="Policy"
          subjectOf={(request) => (request.kind === "topology" ? `topology of ${request.scope}, revision ${request.baseVersion}` : `${request.scope} v${request.baseVersion}`)}
        />
      ) : null}
    </section>
  );
}
