"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { PolicyDocument } from "@/contracts/policy";
import { ApiClientError } from "@/client/api-client";
import { applyEmergencyChange, governanceQueries } from "@/client/queries/governance";

/** `datetime-local` values carry no zone; the console speaks UTC throughout. */
const utc = (local: string) => (local ? new Date(`${local}:00Z`).toISOString() : "");

/**
 * The two changes an operator may make without approval, each applied at
 * once as an emergency version that an approver reviews afterwards.
 */
export function EmergencyChangeForm({ scopes }: { scopes: string[] }) {
  const queryClient = useQueryClient();
  const [scope, setScope] = useState(scopes.find((candidate) => candidate.startsWith("service:")) ?? scopes[0] ?? "global");
  const [reason, setReason] = useState("");
  const [window, setWindow] = useState({ startsAt: "", endsAt: "", reason: "", keepFailoverArmed: false });
  const versions = useQuery(governanceQueries.versions(scope));
  const global = useQuery({ ...governanceQueries.versions("global"), enabled: versions.data?.currentVersion === 0 });
  const source = versions.data && versions.data.currentVersion > 0 ? versions.data : global.data;
  const current = source?.versions.find((version) => version.current)?.document;

  const apply = useMutation({
    mutationFn: (change: (document: PolicyDocument) => PolicyDocument) => {
      if (!current) throw new Error("The current version is not loaded yet.");
      return applyEmergencyChange(scope, change(structuredClone(current)), reason.trim());
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: governanceQueries.all() }),
  });

  return (
    <section className="card" aria-labelledby="emergency-heading">
      <h2 id="emergency-heading" style={{ marginBottom: 4 }}>
        Emergency change
      </h2>
      <p className="muted">Applied at once without approval, flagged, and listed for an approver's after-the-fact review.</p>
      <div className="form" style={{ maxWidth: 560 }}>
        <div className="field">
          <label htmlFor="emergency-scope">Policy</label>
          <select id="emergency-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
            {scopes.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="emergency-reason">Emergency reason</label>
          <input id="emergency-reason" type="text" value={reason} onChange={(event) => setReason(event.target.value)} />
        </div>
        <div className="row">
          <button
            type="button"
            className="button button-danger"
            disabled={apply.isPending || !current || !current.failover.automatic}
            onClick={() => apply.mutate((document) => ({ ...document, failover: { ...document.failover, automatic: false } }))}
          >
            Turn automatic failover off
          </button>
          {current && !current.failover.automatic ? <span className="muted">Automatic failover is already off for {scope}.</span> : null}
        </div>
        <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>Add a maintenance window (UTC)</legend>
          <div className="row">
            <div className="field">
              <label htmlFor="window-start">Starts</label>
              <input id="window-start" type="datetime-local" value={window.startsAt} onChange={(event) => setWindow({ ...window, startsAt: event.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="window-end">Ends</label>
              <input id="window-end" type="datetime-local" value={window.endsAt} onChange={(event) => setWindow({ ...window, endsAt: event.target.value })} />
            </div>
            <div className="field" style={{ flex: 1 }}>
              <label htmlFor="window-reason">What happens in it</label>
              <input id="window-reason" type="text" value={window.reason} onChange={(event) => setWindow({ ...window, reason: event.target.value })} />
            </div>
          </div>
          <p className="muted" style={{ margin: 0 }}>
            While it is in force, alerts for the service are marked as in maintenance and not sent to webhooks, and automatic failover is held (rule failover-maintenance-window) unless
            you keep it armed.
          </p>
          <label className="row" style={{ gap: 6 }}>
            <input type="checkbox" checked={window.keepFailoverArmed} onChange={(event) => setWindow({ ...window, keepFailoverArmed: event.target.checked })} />
            Keep automatic failover armed during it
          </label>
          <div>
            <button
              type="button"
              className="button"
              disabled={apply.isPending || !current || !window.startsAt || !window.endsAt || !window.reason.trim()}
              onClick={() =>
                apply.mutate((document) => ({
                  ...document,
                  maintenanceWindows: [
                    ...document.maintenanceWindows,
                    { startsAt: utc(window.startsAt), endsAt: utc(window.endsAt), reason: window.reason.trim(), automaticFailover: window.keepFailoverArmed ? "armed" : "held" },
                  ],
                }))
              }
            >
              Add maintenance window
            </button>
          </div>
        </fieldset>
        {apply.isError ? (
          <div className="alert alert-error" role="alert">
            {apply.error instanceof ApiClientError ? apply.error.message : apply.error.message}
          </div>
        ) : null}
        {apply.isSuccess ? (
          <div className="alert alert-ok" role="status">
            Version {apply.data.version} of {scope} is in force, flagged as an emergency change awaiting review.
          </div>
        ) : null}
      </div>
    </section>
  );
}
