"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ApiClientError } from "@/client/api-client";
import { declareIncident, incidentQueries } from "@/client/queries/incidents";
import { IncidentTable } from "@/components/incidents/incident-table";
import { PageHeader } from "@/components/ui/page-header";

type Shown = "open" | "resolved" | "all";
const OPEN_FILTER: Record<Shown, "true" | "false" | undefined> = { open: "true", resolved: "false", all: undefined };

/** A person declares an incident (they take command); the API refuses a service that already has an open one, naming it. */
function DeclareForm({ serviceId }: { serviceId?: string }) {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [services, setServices] = useState(serviceId ?? "");
  const [title, setTitle] = useState("");
  const [note, setNote] = useState("");
  const declare = useMutation({
    mutationFn: () =>
      declareIncident(
        services.split(",").map((value) => value.trim()).filter(Boolean),
        title.trim(),
        note.trim(),
      ),
    onSuccess: async (incident) => {
      await queryClient.invalidateQueries({ queryKey: incidentQueries.all() });
      router.push(`/incidents/${incident.id}`);
    },
  });
  const field = declare.error instanceof ApiClientError ? declare.error.field : undefined;
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Declare an incident</h2>
      <p className="muted">Incidents open on their own when a critical alert fires or the automation starts a failover. Declare one by hand for what the record cannot see; you take command.</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          declare.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-services`}>Services (comma-separated ids)</label>
          <input id={`${id}-services`} type="text" required value={services} onChange={(event) => setServices(event.target.value)} aria-invalid={field?.startsWith("serviceIds") || undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input id={`${id}-title`} type="text" required minLength={3} value={title} onChange={(event) => setTitle(event.target.value)} aria-invalid={field === "title" || undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>What is known so far</label>
          <textarea id={`${id}-note`} required minLength={3} rows={3} value={note} onChange={(event) => setNote(event.target.value)} aria-invalid={field === "note" || undefined} />
        </div>
        <div className="row">
          <button type="submit" className="button button-primary" disabled={declare.isPending}>
            {declare.isPending ? "Declaring…" : "Declare incident"}
          </button>
          {declare.isError ? (
            <span className="field-error" role="alert">
              {declare.error instanceof ApiClientError ? declare.error.message : "The incident was not declared."}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

export function IncidentsList({ serviceId, mayDeclare }: { serviceId?: string; mayDeclare: boolean }) {
  const [shown, setShown] = useState<Shown>("open");
  const { data, isPending, isError, error } = useQuery(incidentQueries.list({ serviceId, open: OPEN_FILTER[shown] }));
  return (
    <>
      <PageHeader
        title={serviceId ? `Incidents of ${serviceId}` : "Incidents"}
        description="One per service at a time: opened by a critical alert, a failover the automation started, or a person; each with one timeline of what the record holds."
      />
      <div className="row" role="group" aria-label="Which incidents" style={{ marginBottom: 12 }}>
        {(["open", "resolved", "all"] as const).map((value) => (
          <button key={value} type="button" className={value === shown ? "button button-primary button-small" : "button button-small"} aria-pressed={value === shown} onClick={() => setShown(value)}>
            {value}
          </button>
        ))}
      </div>
      <section className="card" aria-label="Incidents" aria-busy={isPending}>
        {isPending ? <p className="muted">Loading…</p> : null}
        {isError ? (
          <p className="field-error" role="alert">
            Could not load the incidents: {error.message}
          </p>
        ) : null}
        {data && data.incidents.length === 0 ? <p className="muted">{shown === "open" ? "No open incident." : "No incidents."}</p> : null}
        {data?.incidents.length ? <IncidentTable incidents={data.incidents} /> : null}
      </section>
      {mayDeclare ? <DeclareForm serviceId={serviceId} /> : null}
    </>
  );
}
