"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { retireEntity } from "@/client/queries/topology";
import { fleetQueries } from "@/client/queries/fleet";
import { governanceQueries } from "@/client/queries/governance";
import { ProblemAlert } from "./problem-alert";
import { ApplyResultPanel } from "./submit-change";

interface RetireFormProps {
  kind: "service" | "region";
  /** The ones that may be retired; one is chosen when there are several. */
  ids: readonly string[];
  /** What retiring does, in a sentence, shown before anything is sent. */
  consequence: string;
}

/**
 * Retiring, behind a disclosure so that it is never one stray click: the
 * person picks what, says why, and confirms; the server decides whether it
 * applies at once or becomes a change request, and the answer says which.
 */
export function RetireForm({ kind, ids, consequence }: RetireFormProps) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [id, setId] = useState(ids[0] ?? "");
  const [reason, setReason] = useState("");
  const retiring = useMutation({
    mutationFn: () => retireEntity(kind, id, reason.trim()),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: fleetQueries.all() }), queryClient.invalidateQueries({ queryKey: governanceQueries.all() })]),
  });
  const prefix = `retire-${kind}`;
  if (retiring.data) return <ApplyResultPanel result={retiring.data} />;
  if (ids.length === 0) return null;
  if (!open) {
    return (
      <button type="button" className="button" aria-expanded={false} onClick={() => setOpen(true)}>
        Retire {kind === "service" ? "this service" : "a region"}…
      </button>
    );
  }
  return (
    <form
      className="form card stack"
      aria-label={`Retire ${kind}`}
      onSubmit={(event) => {
        event.preventDefault();
        retiring.mutate();
      }}
    >
      <h2>Retire {kind === "service" ? id : "a region"}</h2>
      <p className="hint">{consequence}</p>
      {kind === "region" ? (
        <div className="field">
          <label htmlFor={`${prefix}-id`}>Region</label>
          <select id={`${prefix}-id`} value={id} onChange={(event) => setId(event.target.value)}>
            {ids.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}-reason`}>Reason (for the approvers and the audit trail)</label>
        <input id={`${prefix}-reason`} type="text" value={reason} onChange={(event) => setReason(event.target.value)} required minLength={3} maxLength={2000} autoFocus />
      </div>
      <div className="row">
        <button type="submit" className="button button-danger" disabled={retiring.isPending || reason.trim().length < 3}>
          {retiring.isPending ? "Retiring…" : `Retire ${id}`}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={retiring.isPending}>
          Cancel
        </button>
        {reason.trim().length < 3 ? <span className="muted">Say why, in at least 3 characters.</span> : null}
      </div>
      {retiring.error ? <ProblemAlert error={retiring.error} /> : null}
    </form>
  );
}
