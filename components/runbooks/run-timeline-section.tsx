"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { runQueries } from "@/client/queries/runs";
import { runTimeline } from "@/core/runbooks/run-timeline";
import { RunTimelineChart } from "./run-timeline-chart";

/**
 * One run's timeline on a page about something else (a drill, an incident):
 * the same picture as the run page, live while the run is, with its own
 * loading and error states and a link to the run.
 */
export function RunTimelineSection({ runId, title }: { runId: string; title: string }) {
  const { data: run, isPending, isError, error } = useQuery(runQueries.detail(runId));
  const headingId = `run-timeline-${runId}`;
  // Open bars end when the server read the run, so every render of one answer draws the same picture.
  const timeline = run ? runTimeline(run.steps, run.observedRto, Date.parse(run.generatedAt)) : null;
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{title}</h2>
        <Link href={`/runs/${runId}`}>Open the run</Link>
      </div>
      {isPending ? (
        <p className="muted" role="status">
          Loading the run…
        </p>
      ) : null}
      {isError ? (
        <div className="alert alert-error" role="alert">
          Could not load the run: {error.message}
        </div>
      ) : null}
      {run && !timeline ? <p className="muted">No step of {run.runbookId} has started yet.</p> : null}
      {timeline ? <RunTimelineChart timeline={timeline} captionId={`${headingId}-caption`} /> : null}
    </section>
  );
}
