"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { RunbookSummary, RunPlanView } from "@/contracts/runbook-api";
import type { ServiceList } from "@/contracts/services";
import { ApiClientError } from "@/client/api-client";
import { requestPlan } from "@/client/queries/runbooks";
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

function RunbookCard({ runbook, fleet }: { runbook: RunbookSummary; fleet: ServiceList }) {
  const [serviceId, setServiceId] = useState(fleet.services[0]?.id ?? "");
  const plan = useMutation<RunPlanView, Error, Record<string, string>>({ mutationFn: (params) => requestPlan(runbook.id, params) });

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
        <div style={{ marginTop: 16 }}>
          <PlanView plan={plan.data} />
        </div>
      ) : null}
    </section>
  );
}

export function RunbooksView({ catalog, fleet }: { catalog: { runbooks: RunbookSummary[]; problems: { file: string; field: string | null; message: string }[] }; fleet: ServiceList }) {
  return (
    <div className="stack">
      {catalog.problems.map((problem) => (
        <div key={problem.file} className="alert alert-error" role="alert">
          runbooks/{problem.file} was not loaded: {problem.message}
        </div>
      ))}
      {catalog.runbooks.length === 0 ? <EmptyState title="No runbooks">Put runbook definitions (YAML) in the runbooks/ folder.</EmptyState> : null}
      {catalog.runbooks.map((runbook) => (
        <RunbookCard key={runbook.id} runbook={runbook} fleet={fleet} />
      ))}
    </div>
  );
}
