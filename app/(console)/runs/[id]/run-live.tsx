"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { RunStepView, RunView } from "@/contracts/runs";
import { ApiClientError } from "@/client/api-client";
import { runControl, runQueries, stepDecision, type RunControlName } from "@/client/queries/runs";
import { ReasonedControls, type ReasonedControl } from "@/components/runbooks/reasoned-controls";
import { ScheduledFor } from "@/components/runbooks/scheduled-for";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { formatSeconds } from "@/core/format";
import { runTimeline } from "@/core/runbooks/run-timeline";
import { fencedAt, stepOutputSentences } from "@/core/runbooks/step-output-text";
import { RunTimelineChart } from "@/components/runbooks/run-timeline-chart";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";

interface Abilities {
  operate: boolean;
  approve: boolean;
  isRunner: boolean;
}

/** How long the step took, or (still open) had taken when the server read the run: the same text in the server's render and the browser's. */
function duration(step: RunStepView, readAt: number): string | null {
  if (!step.startedAt) return null;
  const end = step.finishedAt ? Date.parse(step.finishedAt) : readAt;
  const ms = end - Date.parse(step.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The step's output as sentences, with the JSON one click away (or only the JSON, for a shape the sentences do not know). */
function StepOutput({ step, fencedLsn }: { step: RunStepView; fencedLsn: string | null }) {
  const sentences = stepOutputSentences({ kind: step.kind, command: step.command, output: step.output, fencedLsn });
  const raw = <pre className="mono muted step-output-raw">{JSON.stringify(step.output, null, 2)}</pre>;
  if (!sentences) return raw;
  return (
    <div className="step-output">
      <ul className="plain-list">
        {sentences.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      <details>
        <summary className="small muted">Raw output</summary>
        {raw}
      </details>
    </div>
  );
}

function StepDecision({ run, step, may }: { run: RunView; step: RunStepView; may: Abilities }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const decide = useMutation({
    mutationFn: (decision: "confirm" | "approve" | "reject") => stepDecision(run.id, step.stepId, decision, note),
    onSuccess: (updated) => queryClient.setQueryData(runQueries.detail(run.id).queryKey, updated),
  });
  if (step.state !== "waiting" || run.status !== "running") return null;
  const canConfirm = step.kind === "manual" && may.operate;
  const canApprove = step.kind === "approval" && may.approve && !may.isRunner;
  if (!canConfirm && !canApprove) {
    return (
      <p className="muted">
        {step.kind === "approval"
          ? may.approve
            ? "Waiting for an approver other than you: the person who started a run does not approve its steps."
            : `Waiting for an approver other than the person who started this run. Approving needs the approver role on ${run.serviceId}.`
          : step.kind === "manual"
            ? `Waiting for an operator to confirm. Confirming needs the operator role on ${run.serviceId}.`
            : "Waiting…"}
      </p>
    );
  }
  return (
    <div className="row" style={{ marginTop: 8 }}>
      <label className="field" style={{ flex: 1, minWidth: 220 }}>
        <span className="hint">Note for the audit trail</span>
        <input type="text" value={note} onChange={(event) => setNote(event.target.value)} aria-label={`Note for ${step.title}`} />
      </label>
      {canConfirm ? (
        <button type="button" className="button button-primary" disabled={decide.isPending} onClick={() => decide.mutate("confirm")}>
          Confirm
        </button>
      ) : null}
      {canApprove ? (
        <>
          <button type="button" className="button button-primary" disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
            Approve
          </button>
          <button type="button" className="button button-danger" disabled={decide.isPending} onClick={() => decide.mutate("reject")}>
            Reject
          </button>
        </>
      ) : null}
      {decide.isError ? (
        <span className="field-error" role="alert">
          {decide.error instanceof ApiClientError ? decide.error.message : "The decision was not recorded."}
        </span>
      ) : null}
    </div>
  );
}

function RunControls({ run, may }: { run: RunView; may: Abilities }) {
  const queryClient = useQueryClient();
  const control = useMutation({
    mutationFn: ({ action, reason }: { action: RunControlName; reason: string }) => runControl(run.id, action, reason),
    onSuccess: (updated) => queryClient.setQueryData(runQueries.detail(run.id).queryKey, updated),
  });
  if (!may.operate) {
    return ["running", "paused", "scheduled"].includes(run.status) ? <p className="muted">Pausing, resuming, aborting or cancelling this run needs the operator role on {run.serviceId}.</p> : null;
  }
  const offered: ReasonedControl<RunControlName>[] = [
    ...(run.status === "running" ? [{ action: "pause" as const, label: "Pause" }] : []),
    ...(run.status === "paused" ? [{ action: "resume" as const, label: "Resume" }] : []),
    ...(run.status === "scheduled" ? [{ action: "cancel" as const, label: "Cancel scheduled run", ends: true }] : []),
    ...(["running", "paused"].includes(run.status) ? [{ action: "abort" as const, label: "Abort", ends: true }] : []),
  ];
  return <ReasonedControls subject="run" controls={offered} pending={control.isPending} error={control.error} onControl={(action, reason) => control.mutate({ action, reason })} />;
}

export function RunLive({ initial, may }: { initial: RunView; may: Abilities }) {
  const { data: run, isError } = useQuery({ ...runQueries.detail(initial.id), initialData: initial, initialDataUpdatedAt: Date.parse(initial.generatedAt) });
  const forward = run.steps.filter((step) => step.phase === "forward");
  const undo = run.steps.filter((step) => step.phase === "compensation");
  // Open bars and steps end when the server read the run, so the server's render and the browser's agree.
  const readAt = Date.parse(run.generatedAt);
  const timeline = runTimeline(run.steps, run.observedRto, readAt);
  const fenced = fencedAt(run.fencedLsn, run.steps);
  return (
    <>
      <PageHeader
        title={`${run.runbookId} on ${run.serviceId}`}
        description={
          <>
            <StateBadge state={run.status} /> {run.scheduledAt ? "scheduled" : "started"} by {run.startedBy ?? "automation"}
            {run.planId ? (
              <>
                {" "}
                as part of <Link href={`/plans/${run.planId}`}>a region evacuation plan</Link>
              </>
            ) : null}{" "}
            · {run.reason ?? "no reason given"} ·{" "}
            <span className="mono" title={run.contentHash}>
              definition {run.contentHash.slice(0, 12)}…
            </span>
          </>
        }
        actions={<RunControls run={run} may={may} />}
      />
      <p className="muted" aria-live="polite">
        {isError ? "Could not refresh; showing the last state received. " : ""}Updated <Timestamp iso={run.generatedAt} />. Primary {run.primary ?? "—"} → target{" "}
        {run.target ?? "—"}
        {fenced ? ` · fenced at ${fenced}` : ""}.
      </p>
      {run.scheduledAt ? (
        <p>
          {run.status === "scheduled" ? (
            <>
              <ScheduledFor iso={run.scheduledAt} inMaintenanceWindow={run.inMaintenanceWindow} now={readAt} />. Its targets are resolved and its pre-checks run again at that time; it does not hold the
              service until then.
            </>
          ) : (
            <>
              Was scheduled for <Timestamp iso={run.scheduledAt} />
              {run.inMaintenanceWindow ? ", inside a maintenance window only" : ""}
              {run.startedAt ? (
                <>
                  ; started <Timestamp iso={run.startedAt} />
                </>
              ) : null}
              .
            </>
          )}
        </p>
      ) : null}
      {run.observedRto ? (
        <p aria-label="Observed RTO">
          <strong>Observed RTO: {run.observedRto.ms === null ? "not measured" : formatSeconds(run.observedRto.ms / 1000)}</strong>{" "}
          <span className="muted">— {run.observedRto.sentence}</span>
        </p>
      ) : null}
      {run.error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          {run.status === "refused" ? "The control plane did not start this scheduled run: " : ""}
          {run.error}
        </div>
      ) : null}
      {timeline ? (
        <section className="card" aria-label="Timeline">
          <h2 style={{ marginBottom: 10 }}>Timeline</h2>
          <RunTimelineChart timeline={timeline} />
        </section>
      ) : null}
      {[
        { title: "Steps", steps: forward },
        { title: "Compensations (undo, newest first)", steps: undo },
      ]
        .filter((group) => group.steps.length)
        .map((group) => (
          <section key={group.title} className="card" aria-label={group.title}>
            <h2 style={{ marginBottom: 10 }}>{group.title}</h2>
            <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {group.steps.map((step, index) => (
                <li key={step.id} className="replica" aria-label={`${index + 1}. ${step.title}: ${step.state}`}>
                  <h3>
                    <span>
                      {index + 1}. {step.title}
                    </span>
                    <StateBadge state={step.state} />
                  </h3>
                  <div className="muted">
                    {step.kind}
                    {step.targets.length ? ` · on ${step.targets.join(", ")}` : ""}
                    {step.attempts > 1 ? ` · attempt ${step.attempts}` : ""}
                    {duration(step, readAt) ? ` · ${duration(step, readAt)}` : ""}
                    {step.decidedBy ? ` · by ${step.decidedBy}${step.note ? `: “${step.note}”` : ""}` : ""}
                  </div>
                  {step.error ? <div className="field-error">{step.error}</div> : null}
                  {step.output && step.state !== "pending" ? <StepOutput step={step} fencedLsn={run.fencedLsn} /> : null}
                  <StepDecision run={run} step={step} may={may} />
                </li>
              ))}
            </ol>
          </section>
        ))}
      <p>
        <Link href="/runbooks">All runbooks and runs</Link>
      </p>
    </>
  );
}
