"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { DrillReportView, DrillView } from "@/contracts/drills";
import { drillDecision, drillQueries } from "@/client/queries/drills";
import { DrillApprovalPanel, type ApprovalAbilities } from "@/components/drills/drill-approval-panel";
import { formatSeconds } from "@/core/format";
import { RunTimelineSection } from "@/components/runbooks/run-timeline-section";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { UpdatedAgo } from "@/components/ui/updated-ago";

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? "not measured" : formatSeconds(ms / 1000));

/** The verdict of a row, as a word and a badge (never colour alone). */
function Verdict({ passed }: { passed: boolean | null }) {
  if (passed === null) return <Badge tone="neutral">not measured</Badge>;
  return passed ? <Badge tone="ok">✓ within budget</Badge> : <Badge tone="bad">✕ over budget</Badge>;
}

function Report({ report }: { report: DrillReportView }) {
  return (
    <>
      <section className="card" aria-labelledby="drill-measures">
        <h2 id="drill-measures" style={{ marginBottom: 10 }}>
          What users saw
        </h2>
        <dl className="stack">
          <div>
            <dt>Observed RTO</dt>
            <dd>
              <strong>{seconds(report.observedRtoMs)}</strong>{" "}
              <span className="muted">{report.canary.measured && report.canary.observedRtoMs !== null ? "— from the canary's first refused write to its first accepted one" : "— from the run's steps and the agents' reports"}</span>
            </dd>
          </div>
          <div>
            <dt>Acknowledged writes lost</dt>
            <dd>
              <strong>{report.lostWrites === null ? "not measured" : report.lostWrites}</strong> <span className="muted">— {report.canary.sentence}</span>
            </dd>
          </div>
          {report.runRto ? (
            <div>
              <dt>The run's own measurement</dt>
              <dd>
                {seconds(report.runRto.ms)} <span className="muted">— {report.runRto.sentence}</span>
              </dd>
            </div>
          ) : null}
          {report.switchBackRto ? (
            <div>
              <dt>Switch back (measured from its steps and the agents' reports)</dt>
              <dd>
                {seconds(report.switchBackRto.ms)} <span className="muted">— {report.switchBackRto.sentence}</span>
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      <section className="card" aria-labelledby="drill-verdicts">
        <h2 id="drill-verdicts" style={{ marginBottom: 10 }}>
          Verdicts per dataset budget
        </h2>
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Budget</th>
                <th scope="col">Verdict</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.verdicts.map((verdict) => (
                <tr key={`${verdict.dataset}-${verdict.budget}`}>
                  <td>{verdict.dataset}</td>
                  <td>{verdict.budget.toUpperCase()}</td>
                  <td>
                    <Verdict passed={verdict.passed} />
                  </td>
                  <td>{verdict.sentence}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="drill-steps">
        <h2 id="drill-steps" style={{ marginBottom: 10 }}>
          Step durations
        </h2>
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Step</th>
                <th scope="col">State</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {report.steps.map((step) => (
                <tr key={`${step.run}-${step.stepId}`}>
                  <td>{step.run}</td>
                  <td>{step.title}</td>
                  <td>
                    <StateBadge state={step.state} />
                  </td>
                  <td>{step.durationMs === null ? "—" : formatSeconds(step.durationMs / 1000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="drill-timeline">
        <h2 id="drill-timeline" style={{ marginBottom: 10 }}>
          Timeline
        </h2>
        <ol className="stack">
          {report.timeline.map((event, index) => (
            <li key={index}>
              <Timestamp iso={event.at} /> — {event.what}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function DrillLive({ initial, may }: { initial: DrillView; may: ApprovalAbilities }) {
  const { data: drill, dataUpdatedAt, isError } = useQuery({ ...drillQueries.detail(initial.id), initialData: initial });
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: ({ decision, note }: { decision: "approve" | "reject"; note: string }) => drillDecision(drill.id, decision, note),
    onSuccess: (updated) => queryClient.setQueryData(drillQueries.detail(drill.id).queryKey, updated),
  });
  return (
    <>
      <PageHeader
        title={`Drill of ${drill.serviceId}${drill.params.to_region ? ` → ${drill.params.to_region}` : ""}${drill.switchBack ? " and back" : ""}`}
        description={
          <>
            <StateBadge state={drill.status} /> {drill.runbookId} · started by {drill.startedBy ?? "its schedule"}
            {drill.planId ? (
              <>
                {" "}
                as part of <Link href={`/plans/${drill.planId}`}>a plan drill</Link>
              </>
            ) : null}{" "}
            · {drill.reason ?? "no reason given"} · <Timestamp iso={drill.createdAt} />
          </>
        }
        actions={
          <>
            <UpdatedAgo at={dataUpdatedAt} />
            <Link href={`/services/${drill.serviceId}`}>{drill.serviceId}</Link>
          </>
        }
      />
      {isError ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh the drill; showing the last state received.
        </div>
      ) : null}
      {drill.error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          {drill.error}
        </div>
      ) : null}
      {drill.approval ? (
        <DrillApprovalPanel approval={drill.approval} subject="drill" may={may} pending={decide.isPending} error={decide.error} onDecide={(decision, note) => decide.mutate({ decision, note })} />
      ) : null}
      <section className="card" aria-label="Runs">
        <p>
          {drill.runId ? (
            <>
              The drill's run:{" "}
              <Link href={`/runs/${drill.runId}`} aria-label="the drill's run">
                {drill.runId}
              </Link>
              {drill.status === "running" ? " — confirm its steps there when it asks." : "."}
            </>
          ) : drill.status === "awaiting_approval" ? (
            "No run yet: it starts once a second person approves the drill."
          ) : drill.status === "rejected" || drill.status === "expired" ? (
            "No run started."
          ) : (
            "The run starts once the canary writes."
          )}
          {drill.switchBackRunId ? (
            <>
              {" "}
              Switch back:{" "}
              <Link href={`/runs/${drill.switchBackRunId}`} aria-label="the switch back run">
                {drill.switchBackRunId}
              </Link>
              {drill.status === "switching_back" ? " — confirm its steps there when it asks." : "."}
            </>
          ) : null}
        </p>
      </section>
      {drill.runId ? <RunTimelineSection runId={drill.runId} title="The drill's run: where the time went" /> : null}
      {drill.switchBackRunId ? <RunTimelineSection runId={drill.switchBackRunId} title="The switch back: where the time went" /> : null}
      {drill.report ? (
        <>
          <p role="status">
            {drill.report.passed ? <Badge tone="ok">✓ passed</Badge> : <Badge tone="bad">✕ failed</Badge>} report written <Timestamp iso={drill.report.createdAt} />
          </p>
          <Report report={drill.report} />
        </>
      ) : drill.status === "rejected" || drill.status === "expired" ? null : (
        <p className="muted" aria-live="polite">
          The report is written when {drill.switchBack ? "the run and the switch back end" : "the run ends"}.
        </p>
      )}
    </>
  );
}
