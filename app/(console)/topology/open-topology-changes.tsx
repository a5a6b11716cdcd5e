"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { governanceQueries } from "@/client/queries/governance";
import { ChangeRequestStatusBadge } from "@/components/governance/policy-change-list";
import { Timestamp } from "@/components/ui/timestamp";

/** Topology changes waiting for approvers: what the live topology does not show yet. */
export function OpenTopologyChanges({ initial }: { initial: { changeRequests: ChangeRequestSummary[] } }) {
  const { data, isError } = useQuery({ ...governanceQueries.changeRequests({ status: "open" }), initialData: initial });
  const open = data.changeRequests.filter((request) => request.kind === "topology");
  return (
    <section className="card" aria-labelledby="open-topology-changes-heading">
      <h2 id="open-topology-changes-heading" style={{ marginBottom: 10 }}>
        Topology changes waiting for approval
      </h2>
      {isError ? (
        <p className="field-error" role="alert">
          Could not refresh the change requests; showing the last ones received.
        </p>
      ) : null}
      {open.length === 0 ? (
        <p className="muted">None: the fleet document below is the whole topology.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Scope</th>
                <th scope="col">Status</th>
                <th scope="col">Approvals</th>
                <th scope="col">Requested by</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {open.map((request) => (
                <tr key={request.id}>
                  <td>
                    <Link href={`/governance/change-requests/${encodeURIComponent(request.id)}`}>{request.reason}</Link>
                  </td>
                  <td className="mono">{request.scope}</td>
                  <td>
                    <ChangeRequestStatusBadge status={request.status} stale={request.stale} />
                  </td>
                  <td>
                    {request.approvalsSoFar} of {request.requiredApprovals}
                  </td>
                  <td>{request.requester}</td>
                  <td>
                    <Timestamp iso={request.expiresAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
