"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import type { RunbookSummary, RunPlanView } from "@/contracts/runbook-api";
import type { ServiceList } from "@/contracts/services";
import { ApiClientError } from "@/client/api-client";
import { requestPlan } from "@/client/queries/runbooks";
import { runQueries, startRunRequest } from "@/client/queries/runs";
import { ScheduledFor } from "@/components/runbooks/scheduled-for";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { Timestamp } from "@/components/ui/timestamp";
import { PlanView } from "@/components/runbooks/plan-view";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

function ParameterField({ name, parameter, fleet, serviceId }: { name: string; parameter: RunbookSummary["parameters"][string]; fleet: ServiceList; serviceId: string }) {
  const id = `param-${name}`;
  const label = `${name.replace("_", " ")}${parameter.required ? "" : " (optional)"}`;
  if (parameter.type === "service") {
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select id={id} name={name} defaultValue={serviceId}>
          {fleet.services.map((service) => (
            <option key={service.id} value={service.id}>
              {service.id}
            </option>
          ))}
        </select>
        <span className="hint">{parameter.description}</span>
      </div>
    );
  }
  if (parameter.type === "region") {
    const service = fleet.services.find((candidate) => candidate.id === serviceId);
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select id={id} name={name} defaultValue="">
          <option value="">{parameter.required ? "Choose a region" : "Let candidate selection choose"}</option>
          {service?.replicas.map((replica) => (
            <option key={replica.id} value={replica.regionId}>
              {replica.regionId} ({replica.role}, {replica.name})
            </option>
          ))}
        </select>
        <span className="hint">{parameter.description}</span>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="text" />
      <span className="hint">{parameter.description}</span>
    </div>
  );
}

/** The browser's zone and offset, so a person typing a UTC time sees how it differs from their clock. */
function browserZone(): string {
  const offset = -new Date().getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `${Intl.DateTimeFormat().resolvedOptions().timeZone} (UTC${sign}${hours}${minutes ? `:${String(minutes).padStart(2, "0")}` : ""})`;
}

/** Scheduling the planned run for a UTC time, optionally only inside one of the policy's maintenance windows. */
function ScheduleForm({ runbookId, pending, onSchedule }: { runbookId: string; pending: boolean; onSchedule: (schedule: { scheduledAt: string; inMaintenanceWindow: boolean }) => void }) {
  const [at, setAt] = useState("");
  const [inWindow, setInWindow] = useState(false);
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(browserZone()), []);
  // datetime-local has no zone: the value is read as UTC, as the label says.
  const scheduledAt = at ? new Date(`${at}Z`) : null;
  const valid = scheduledAt !== null && !Number.isNaN(scheduledAt.getTime());
  return (
    <form
      className="form"
      style={{ maxWidth: 560 }}
      aria-label="Schedule the run"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) onSchedule({ scheduledAt: scheduledAt.toISOString(), inMaintenanceWindow: inWindow });
      }}
    >
      <div className="field">
        <label htmlFor={`schedule-${runbookId}`}>Or schedule for (UTC)</label>
        <input id={`schedule-${runbookId}`} type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} required />
        <span className="hint">
          Enter the time in UTC{zone ? `; your browser is in ${zone}` : ""}. At that time the pre-checks run again; if they fail the run is refused, with the reason and an alert.
          Scheduling confirms the runbook&apos;s manual steps in advance.
        </span>
      </div>
      <label className="row">
        <input type="checkbox" checked={inWindow} onChange={(event) => setInWindow(event.target.checked)} />
        Only inside a maintenance window of the service&apos;s policy
      </label>
      <div>
        <button type="submit" className="button" disabled={pending || !valid}>
          {pending ? "Scheduling…" : valid ? `Schedule for ${scheduledAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "Schedule run"}
        </button>
      </div>
    </form>
  );
}

function RunbookCard({ runbook, fleet, canOperate }: { runbook: RunbookSummary; fleet: ServiceList; canOperate: boolean }) {
  const router = useRouter();
  const [serviceId, setServiceId] = useState(fleet.services[0]?.id ?? "");
  const [planned, setPlanned] = useState<Record<string, string> | null>(null);
  const plan = useMutation<RunPlanView, Error, Record<string, string>>({
    mutationFn: (params) => requestPlan(runbook.id, params),
    onSuccess: (_, params) => setPlanned(params),
  });
  const start = useMutation({
    mutationFn: ({ params, schedule }: { params: Record<string, string>; schedule?: { scheduledAt: string; inMaintenanceWindow: boolean } }) => startRunRequest(runbook.id, params, schedule),
    onSuccess: (run) => router.push(`/runs/${run.id}`),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params: Record<string, string> = {};
    for (const name of Object.keys(runbook.parameters)) {
      const value = String(form.get(name) ?? "").trim();
      if (value) params[name] = value;
    }
    plan.mutate(params);
  }

  return (
    <section className="card" aria-labelledby={`runbook-${runbook.id}`}>
      <div className="card-header">
        <div>
          <h2 id={`runbook-${runbook.id}`}>{runbook.title}</h2>
          <span className="muted mono">
            {runbook.file} · {runbook.contentHash.slice(0, 12)}…
          </span>
        </div>
        <Badge tone="info">{runbook.steps.length} steps</Badge>
      </div>
      <p>{runbook.description}</p>
      <details>
        <summary>Steps and source</summary>
        <ol>
          {runbook.steps.map((step) => (
            <li key={step.id}>
              <Badge>{step.kind}</Badge> {step.title}
            </li>
          ))}
        </ol>
        <pre className="secret" style={{ whiteSpace: "pre-wrap", userSelect: "text" }}>
          {runbook.source}
        </pre>
      </details>
      <h3 style={{ margin: "16px 0 8px" }}>Plan a run</h3>
      <form
        className="form"
        onSubmit={onSubmit}
        onChange={(event) => {
          // The region choices depend on the service.
          const field = event.target;
          if (field instanceof HTMLSelectElement && field.name === "service") setServiceId(field.value);
        }}
        style={{ maxWidth: 560 }}
      >
        {Object.entries(runbook.parameters).map(([name, parameter]) => (
          <ParameterField key={`${name}-${serviceId}`} name={name} parameter={parameter} fleet={fleet} serviceId={serviceId} />
        ))}
        <div>
          <button type="submit" className="button button-primary" disabled={plan.isPending}>
            {plan.isPending ? "Planning…" : "Dry run"}
          </button>
        </div>
      </form>
      {plan.isError ? (
        <div className="alert alert-error" role="alert" style={{ marginTop: 12 }}>
          {plan.error instanceof ApiClientError ? plan.error.message : "The dry run failed to run."}
        </div>
      ) : null}
      {plan.data ? (
        <div style={{ marginTop: 16 }} className="stack">
          <PlanView plan={plan.data} />
          {canOperate && planned ? (
            <>
              <div className="row">
                <button type="button" className="button button-primary" disabled={start.isPending} onClick={() => start.mutate({ params: planned })}>
                  {start.isPending ? "Starting…" : "Start run"}
                </button>
                <span className="muted">Runs the steps above against the live service; each step is audited.</span>
              </div>
              <ScheduleForm runbookId={runbook.id} pending={start.isPending} onSchedule={(schedule) => start.mutate({ params: planned, schedule })} />
            </>
          ) : planned ? (
            <div className="row">
              <button type="button" className="button button-primary" disabled aria-describedby={`start-needs-${runbook.id}`}>
                Start run
              </button>
              <span id={`start-needs-${runbook.id}`} className="muted">
                Starting or scheduling a run needs the operator role; you can plan one here and hand the dry run to an operator.
              </span>
            </div>
          ) : null}
          {start.isError ? (
            <div className="alert alert-error" role="alert">
              {start.error instanceof ApiClientError ? start.error.message : "The run did not start."}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function RecentRuns() {
  const { data, dataUpdatedAt, isPending, isError } = useQuery(runQueries.list());
  return (
    <section className="card" aria-labelledby="recent-runs">
      <h2 id="recent-runs" style={{ marginBottom: 10 }}>
        Recent runs
      </h2>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? <p className="field-error">Could not load the runs.</p> : null}
      {data && data.runs.length === 0 ? <p className="muted">No runs yet.</p> : null}
      {data && data.runs.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Service</th>
                <th scope="col">State</th>
                <th scope="col">Started by</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {data.runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link href={`/runs/${run.id}`}>{run.runbookId}</Link>
                    {run.target ? <span className="muted"> → {run.target}</span> : null}
                  </td>
                  <td>{run.serviceId}</td>
                  <td>
                    <StateBadge state={run.status} />
                  </td>
                  <td>{run.startedBy ?? "automation"}</td>
                  <td>
                    {run.status === "scheduled" && run.scheduledAt ? (
                      <ScheduledFor iso={run.scheduledAt} inMaintenanceWindow={run.inMaintenanceWindow} now={dataUpdatedAt} />
                    ) : (
                      <Timestamp iso={run.startedAt} empty={run.status === "cancelled" || run.status === "refused" ? "did not start" : "never"} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function RunbooksView({
  catalog,
  fleet,
  canOperate,
}: {
  catalog: { runbooks: RunbookSummary[]; problems: { file: string; field: string | null; message: string }[] };
  fleet: ServiceList;
  canOperate: boolean;
}) {
  return (
    <div className="stack">
      <RecentRuns />
      {catalog.problems.map((problem) => (
        <div key={problem.file} className="alert alert-error" role="alert">
          runbooks/{problem.file} was not loaded: {problem.message}
        </div>
      ))}
      {catalog.runbooks.length === 0 ? <EmptyState title="No runbooks">Put runbook definitions (YAML) in the runbooks/ folder.</EmptyState> : null}
      {catalog.runbooks.map((runbook) => (
        <RunbookCard key={runbook.id} runbook={runbook} fleet={fleet} canOperate={canOperate} />
      ))}
    </div>
  );
}
