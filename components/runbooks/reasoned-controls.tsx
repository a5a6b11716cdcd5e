"use client";

import { ApiClientError } from "@/client/api-client";

export interface ReasonedControl<A extends string> {
  action: A;
  label: string;
  /** Ends or cancels what it controls: shown as a danger button. */
  ends?: boolean;
}

/**
 * Buttons that pause, resume, abort or cancel a run or a plan, each asking
 * why (at least 3 characters, for the audit trail) before `onControl`, and
 * the server's refusal in words when it answers one.
 */
export function ReasonedControls<A extends string>({
  subject,
  controls,
  pending,
  error,
  onControl,
}: {
  subject: "run" | "plan";
  controls: readonly ReasonedControl<A>[];
  pending: boolean;
  error: unknown;
  onControl: (action: A, reason: string) => void;
}) {
  if (!controls.length) return null;
  const ask = (action: A) => {
    const reason = window.prompt(`Why ${action} this ${subject}? (for the audit trail)`);
    if (reason && reason.trim().length >= 3) onControl(action, reason.trim());
  };
  return (
    <div className="row">
      {controls.map((control) => (
        <button key={control.action} type="button" className={control.ends ? "button button-danger" : "button"} onClick={() => ask(control.action)} disabled={pending}>
          {control.label}
        </button>
      ))}
      {error ? (
        <span className="field-error" role="alert">
          {error instanceof ApiClientError ? error.message : "Not done."}
        </span>
      ) : null}
    </div>
  );
}
