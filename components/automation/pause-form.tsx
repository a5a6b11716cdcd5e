"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { MAX_PAUSE_MS } from "@/core/automation/pauses";
import { ApiClientError } from "@/client/api-client";
import { pauseAutomationRequest, refreshAutomation } from "@/client/queries/automation";
import { DurationSelect } from "@/components/ui/duration-select";

const MINUTE = 60_000;
const DURATIONS = [
  { label: "15 min", ms: 15 * MINUTE },
  { label: "1 h", ms: 60 * MINUTE },
  { label: "4 h", ms: 4 * 60 * MINUTE },
  { label: "24 h", ms: 24 * 60 * MINUTE },
  { label: "7 d", ms: MAX_PAUSE_MS },
];

// The server refuses an expiry more than 7 days from its own clock; a minute's
// margin keeps "7 d" accepted when this browser's clock runs a little ahead.
const CLOCK_MARGIN_MS = MINUTE;

const expiryAfter = (ms: number) => new Date(Date.now() + Math.min(ms, MAX_PAUSE_MS - CLOCK_MARGIN_MS));

/**
 * Pauses automatic failover of one service (`scope` is its id) or of all
 * (`global`), with a reason and an expiry; detection and alerts go on.
 */
export function PauseForm({ scope, subject }: { scope: string; subject: string }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState(60 * MINUTE);
  const pause = useMutation({
    mutationFn: () => pauseAutomationRequest(scope, reason.trim(), expiryAfter(duration)),
    onSuccess: async () => {
      setReason("");
      await refreshAutomation(queryClient);
    },
  });
  return (
    <form
      className="form"
      aria-label={`Pause automation of ${subject}`}
      onSubmit={(event) => {
        event.preventDefault();
        pause.mutate();
      }}
    >
      <div className="row" style={{ alignItems: "flex-end" }}>
        <div className="field" style={{ flex: 1, minWidth: 240 }}>
          <label htmlFor={`${id}-reason`}>Reason for pausing</label>
          <input id={`${id}-reason`} type="text" required value={reason} onChange={(event) => setReason(event.target.value)} aria-describedby={`${id}-hint`} />
        </div>
        <DurationSelect id={`${id}-duration`} value={duration} options={DURATIONS} onChange={setDuration} />
        <button type="submit" className="button button-danger" disabled={pause.isPending}>
          {pause.isPending ? "Pausing…" : "Pause automation"}
        </button>
      </div>
      <span id={`${id}-hint`} className="hint muted small">
        While paused, {subject} gets detection and alerts only: no automatic failover until the pause ends or someone resumes it.
      </span>
      {pause.isError ? (
        <span className="field-error" role="alert">
          {pause.error instanceof ApiClientError ? pause.error.message : "The pause was not recorded."}
        </span>
      ) : null}
    </form>
  );
}
