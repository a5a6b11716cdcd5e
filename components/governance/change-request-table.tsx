import Link from "next/link";
import type { ReactNode } from "react";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { Timestamp } from "@/components/ui/timestamp";
import { ChangeRequestStatusBadge } from "./policy-change-list";

/** Change requests, one row each: the reason (a link to the request), what it changes, its status, approvals so far (k of M), who asked, its deadline. */
export function ChangeRequestTable({ requests, subjectHeading, subjectOf }: { requests: readonly ChangeRequestSummary[]; subjectHeading: string; subjectOf: (request: ChangeRequestSummary) => ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">{subjectHeading}</th>
            <th scope="col">Status</th>
            <th scope="col">Approvals</th>
            <th scope="col">Requested by</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id}>
              <td>
                <Link href={`/governance/change-requests/${encodeURIComponent(request.id)}`}>{request.reason}</Link>
              </td>
              <td className="mono">{subjectOf(request)}</td>
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
  );
}
