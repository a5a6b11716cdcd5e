"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import type { IncidentView } from "@/contracts/incidents";
import { decideStatus, INCIDENT_STATUSES, type IncidentStatus } from "@/core/incidents/incident-status";
import { ApiClientError } from "@/client/api-client";
import { changeIncidentRoles, incidentQueries, postIncidentStatus } from "@/client/queries/incidents";
import { IncidentStatusBadge } from "@/components/incidents/incident-status-badge";
import { IncidentTimeline } from "@/components/incidents/incident-timeline";
import { RunTimelineSection } from "@/components/runbooks/run-timeline-section";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { UpdatedAgo } from "@/components/ui/updated-ago";

/** An incident spans a few runs (the failover, a switch back); a window with more lists the rest in its timeline. */
const MAX_RUN_TIMELINES = 3;

const message = (error: Error | null, fallback: string) => (error instanceof ApiClientError ? error.message : fallback);

function useIncidentMutation<T>(incidentId: string, change: (value: T) => Promise<IncidentView>, done?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: async (updated) => {
      queryClient.setQueryData(incidentQueries.detail(incidentId).queryKey, updated);
      await queryClient.invalidateQueries({ queryKey: [...incidentQueries.all(), "list"] });
      done?.();
    },
  });
}

/** A status update with its required note; the choices are the ones the transition table allows. */
function StatusForm({ incident, me }: { incident: IncidentView; me: string }) {
  const id = useId();
  const choices = INCIDENT_STATUSES.filter((status) => decideStatus(incident.status, status).allowed);
  const [status, setStatus] = useState<IncidentStatus>(choices.find((choice) => choice !== incident.status) ?? incident.status);
  const [note, setNote] = useState("");
  const [publicNote, setPublicNote] = useState("");
  const [publicTitle, setPublicTitle] = useState("");
  const post = {
    ...(publicNote.trim() ? { publicNote: publicNote.trim() } : {}),
    ...(publicTitle.trim() ? { publicTitle: publicTitle.trim() } : {}),
  };
  const update = useIncidentMutation(
    incident.id,
    () => postIncidentStatus(incident.id, status, note.trim(), post),
    () => {
      setNote("");
      setPublicNote("");
      setPublicTitle("");
    },
  );
  const commands = incident.commander?.id === me;
  if (!choices.length) return <p className="muted">{decideStatus(incident.status, incident.status).sentence}</p>;
  const field = update.error instanceof ApiClientError ? update.error.field : undefined;
  return (
    <form
      className="form"
      aria-label="Post a status update"
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate(undefined);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(event) => setStatus(event.target.value as IncidentStatus)}>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice === incident.status ? `${choice} (unchanged: a note only)` : choice}
            </option>
          ))}
        </select>
        <span className="hint muted small">{decideStatus(incident.status, status).sentence}</span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>Note (required)</label>
        <textarea id={`${id}-note`} rows={3} required minLength={3} value={note} onChange={(event) => setNote(event.target.value)} aria-invalid={field === "note" || undefined} />
      </div>
      <fieldset className="stack" disabled={!commands}>
        <legend>Public status page</legend>
        {commands ? (
          <p className="hint muted small">
            Optional. What you write here is shown on <a href="/status">/status</a> to anyone, without sign-in: write it for your users, with no replica, region or service names. The note above stays internal.
          </p>
        ) : (
          <p className="hint muted small">Only the incident&apos;s commander posts to the public status page{incident.commander ? ` (${incident.commander.email})` : "; take command first"}.</p>
        )}
        {incident.publicTitle === null || commands ? (
          <div className="field">
            <label htmlFor={`${id}-public-title`}>{incident.publicTitle === null ? "Public title (needed with the first public note)" : `Public title (now: ${incident.publicTitle})`}</label>
            <input id={`${id}-public-title`} maxLength={120} value={publicTitle} onChange={(event) => setPublicTitle(event.target.value)} aria-invalid={field === "publicTitle" || undefined} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-public-note`}>Public note</label>
          <textarea id={`${id}-public-note`} rows={2} maxLength={2000} value={publicNote} onChange={(event) => setPublicNote(event.target.value)} aria-invalid={field === "publicNote" || undefined} />
        </div>
      </fieldset>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? "Posting…" : "Post update"}
        </button>
        {update.isError ? (
          <span className="field-error" role="alert">
            {message(update.error, "The update was not recorded.")}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function RolesForm({ incident }: { incident: IncidentView }) {
  const id = useId();
  const [commander, setCommander] = useState("");
  const [responder, setResponder] = useState("");
  const change = useIncidentMutation(incident.id, (body: Parameters<typeof changeIncidentRoles>[1]) => changeIncidentRoles(incident.id, body), () => {
    setCommander("");
    setResponder("");
  });
  return (
    <div className="stack">
      <form
        className="row"
        style={{ alignItems: "flex-end" }}
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({ commander: commander.trim() });
        }}
      >
        <div className="field" style={{ flex: 1, minWidth: 220 }}>
          <label htmlFor={`${id}-commander`}>Commander (email)</label>
          <input id={`${id}-commander`} type="email" required value={commander} onChange={(event) => setCommander(event.target.value)} />
        </div>
        <button type="submit" className="button" disabled={change.isPending}>
          Assign commander
        </button>
      </form>
      <form
        className="row"
        style={{ alignItems: "flex-end" }}
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({ addResponders: [responder.trim()] });
        }}
      >
        <div className="field" style={{ flex: 1, minWidth: 220 }}>
          <label htmlFor={`${id}-responder`}>Responder (email)</label>
          <input id={`${id}-responder`} type="email" required value={responder} onChange={(event) => setResponder(event.target.value)} />
        </div>
        <button type="submit" className="button" disabled={change.isPending}>
          Add responder
        </button>
      </form>
      {incident.responders.length ? (
        <ul className="plain-list">
          {incident.responders.map((person) => (
            <li key={person.id} className="row">
              {person.email}
              <button type="button" className="button button-small" disabled={change.isPending} onClick={() => change.mutate({ removeResponders: [person.email] })} aria-label={`Remove ${person.email} as a responder`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {change.isError ? (
        <span className="field-error" role="alert">
          {message(change.error, "The roles were not changed.")}
        </span>
      ) : null}
    </div>
  );
}

export function IncidentLive({ initial, mayManage, me }: { initial: IncidentView; mayManage: boolean; me: string }) {
  const { data: incident, dataUpdatedAt, isError } = useQuery({ ...incidentQueries.detail(initial.id), initialData: initial });
  const open = incident.status !== "resolved";
  return (
    <>
      <PageHeader
        title={incident.title}
        description={
          <>
            <IncidentStatusBadge status={incident.status} /> opened <Timestamp iso={incident.openedAt} /> by {incident.openedBy.label} (rule <span className="mono">{incident.openRule}</span>)
            {incident.resolvedAt ? (
              <>
                {" "}
                · resolved <Timestamp iso={incident.resolvedAt} />
              </>
            ) : null}{" "}
            · services{" "}
            {incident.serviceIds.map((serviceId, index) => (
              <span key={serviceId}>
                {index ? ", " : ""}
                <Link href={`/services/${serviceId}`}>{serviceId}</Link>
              </span>
            ))}
          </>
        }
        actions={
          <>
            {open ? <UpdatedAgo at={dataUpdatedAt} /> : null}
            <Link href="/incidents">All incidents</Link>
            {!open ? <Link href={`/incidents/${incident.id}/review`}>Post-incident review{incident.reviewVersion ? ` (v${incident.reviewVersion})` : ""}</Link> : null}
          </>
        }
      />
      {isError ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 16 }}>
          Could not refresh the incident; showing the last state received.
        </div>
      ) : null}
      <div className="stack">
        <section className="card" aria-labelledby="incident-roles">
          <h2 id="incident-roles">Roles</h2>
          <p>
            Commander: <strong>{incident.commander?.email ?? "none yet"}</strong> · responders: {incident.responders.length ? incident.responders.map((person) => person.email).join(", ") : "none"}
          </p>
          {mayManage && open ? <RolesForm incident={incident} /> : null}
        </section>

        <section className="card" aria-labelledby="incident-updates">
          <h2 id="incident-updates">Status updates</h2>
          <ol className="plain-list stack">
            {incident.updates.map((update) => (
              <li key={update.id}>
                <Timestamp iso={update.at} /> <IncidentStatusBadge status={update.status} /> <strong>{update.author.label}</strong>: {update.note}
                {update.publicNote ? <div className="small">On the status page: “{update.publicNote}”</div> : null}
              </li>
            ))}
          </ol>
          {mayManage ? <StatusForm incident={incident} me={me} /> : <p className="muted">Posting updates needs the operator role on this incident&apos;s services.</p>}
        </section>

        <section className="card" aria-labelledby="incident-timeline">
          <div className="card-header">
            <h2 id="incident-timeline">Timeline</h2>
            <span className="muted">
              <Timestamp iso={incident.window.from} /> → <Timestamp iso={incident.window.to} />: alerts, automation decisions, runs and their steps, and audit events of its services
            </span>
          </div>
          <IncidentTimeline entries={incident.timeline} />
        </section>
        {incident.runIds.slice(0, MAX_RUN_TIMELINES).map((runId) => (
          <RunTimelineSection key={runId} runId={runId} title={`Run ${runId}: where the time went`} />
        ))}
        {incident.runIds.length > MAX_RUN_TIMELINES ? (
          <p className="muted">
            {incident.runIds.length - MAX_RUN_TIMELINES} more runs of its services in the window: in the timeline above.
          </p>
        ) : null}
      </div>
    </>
  );
}
