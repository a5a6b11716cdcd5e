"use client";

import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import type { z } from "zod";
import type { changeRequestListSchema } from "@/contracts/change-requests";
import type { policyListSchema } from "@/contracts/policies";
import { governanceQueries } from "@/client/queries/governance";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import type { GovernanceAbilities } from "./abilities";
import { ChangeRequestList } from "./change-request-list";
import { EmergencyChangeForm } from "./emergency-change-form";
import { PolicyHistory } from "./policy-history";
import { ProposeChangeForm } from "./propose-change-form";

interface Props {
  initialPolicies: z.infer<typeof policyListSchema>;
  initialChangeRequests: z.infer<typeof changeRequestListSchema>;
  may: GovernanceAbilities;
}

export function GovernanceView({ initialPolicies, initialChangeRequests, may }: Props) {
  const { data, isError } = useQuery({ ...governanceQueries.policies(), initialData: initialPolicies });
  const [open, setOpen] = useState<string | null>(null);
  const scopes = data.policies.map((policy) => policy.scope);
  return (
    <div className="stack">
      <section className="card" aria-labelledby="policies-heading">
        <h2 id="policies-heading" style={{ marginBottom: 10 }}>
          Policies
        </h2>
        {isError ? (
          <p className="field-error" role="alert">
            Could not refresh the policies; showing the last ones received.
          </p>
        ) : null}
        {data.policies.length === 0 ? (
          <p className="muted">No policies yet: the store was not seeded.</p>
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Scope</th>
                  <th scope="col">Current version</th>
                  <th scope="col">Versions</th>
                  <th scope="col">In force since</th>
                  <th scope="col">Emergency reviews</th>
                  <th scope="col">History</th>
                </tr>
              </thead>
              <tbody>
                {data.policies.map((policy) => (
                  <Fragment key={policy.scope}>
                    <tr>
                      <td className="mono">{policy.scope}</td>
                      <td>{policy.currentVersion === 0 ? <span className="muted">inherits global</span> : `v${policy.currentVersion}`}</td>
                      <td>{policy.versions}</td>
                      <td>
                        <Timestamp iso={policy.updatedAt} />
                      </td>
                      <td>{policy.unreviewedEmergencies ? <Badge tone="warn">{policy.unreviewedEmergencies} awaiting review</Badge> : <span className="muted">none pending</span>}</td>
                      <td>
                        <button
                          type="button"
                          className="button button-small"
                          aria-expanded={open === policy.scope}
                          aria-controls={`history-${policy.id}`}
                          onClick={() => setOpen(open === policy.scope ? null : policy.scope)}
                        >
                          {open === policy.scope ? "Hide history" : `History of ${policy.scope}`}
                        </button>
                      </td>
                    </tr>
                    {open === policy.scope ? (
                      <tr id={`history-${policy.id}`}>
                        <td colSpan={6}>
                          <PolicyHistory policyRef={policy.scope} may={may} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {may.propose ? <ProposeChangeForm scopes={scopes} /> : null}
      {may.emergency ? <EmergencyChangeForm scopes={scopes} /> : null}
      {!may.propose || !may.emergency ? (
        <p className="muted">
          {may.propose ? "" : "Proposing a policy change needs the admin role. "}
          {may.emergency ? "" : "An emergency change (one that only makes automation more careful) needs the operator role. "}
          Approving a change needs the approver role, and never one&apos;s own.
        </p>
      ) : null}
      <ChangeRequestList initial={initialChangeRequests} />
    </div>
  );
}
