"use client";

import { useQuery } from "@tanstack/react-query";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { governanceQueries } from "@/client/queries/governance";
import { ChangeRequestTable } from "@/components/governance/change-request-table";

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
        <ChangeRequestTable requests={open} subjectHeading="Scope" subjectOf={(request) => request.scope} />
      )}
    </section>
  );
}
