"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/client/api-client";
import { ErrorLine, useOnCallMutation } from "./on-call-mutation";
import { blamedField } from "@/client/page-mutation";
import { onCallQueries } from "@/client/queries/oncall";
import type { ScheduleView } from "@/contracts/oncall";
import { Badge } from "@/components/ui/badge";
import { FieldError } from "@/components/ui/field-error";

const HORIZON_DAYS = 14;
type Person = ScheduleView["people"][number];
const names = (people: Person[]) => (people.length ? people.map((person) => person.name ?? person.email).join(", ") : "nobody");
const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const emails = (value: string) => value.split(/[\s,]+/).filter(Boolean);

const KIND_TONE = { rotation: "ok", override: "info", gap: "bad", overlap: "warn" } as const;

function Coverage({ schedule }: { schedule: ScheduleView }) {
  return (
    <details>
      <summary>
        Coverage, next {HORIZON_DAYS} days:{" "}
        {schedule.gaps ? <Badge tone="bad">{schedule.gaps} gap{schedule.gaps === 1 ? "" : "s"}: nobody on call</Badge> : <Badge tone="ok">no gaps</Badge>}{" "}
        {schedule.overlaps ? <Badge tone="warn">{schedule.overlaps} overlap{schedule.overlaps === 1 ? "" : "s"}</Badge> : null}
      </summary>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">From (UTC)</th>
              <th scope="col">Until (UTC)</th>
              <th scope="col">Local ({schedule.timeZone})</th>
              <th scope="col">On call</th>
            </tr>
          </thead>
          <tbody>
            {schedule.coverage.map((segment) => (
              <tr key={segment.startsAt.at}>
                <td>{segment.startsAt.at.slice(0, 16).replace("T", " ")}</td>
                <td>{segment.endsAt.at.slice(0, 16).replace("T", " ")}</td>
                <td>
                  {segment.startsAt.local} → {segment.endsAt.local}
                </td>
                <td>
                  <Badge tone={KIND_TONE[segment.kind]}>{segment.kind}</Badge> {names(segment.people)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function OverrideForm({ schedule }: { schedule: ScheduleView }) {
  const add = useOnCallMutation((body: { email: string; startsAt: string; endsAt: string; reason: string }) =>
    api.call("createOnCallOverride", { params: { id: schedule.id }, body }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const utc = (name: string) => (text(form, name) ? new Date(`${text(form, name)}Z`).toISOString() : "");
    add.mutate({ email: text(form, "email"), startsAt: utc("startsAt"), endsAt: utc("endsAt"), reason: text(form, "reason") });
  }
  const id = (field: string) => `override-${schedule.id}-${field}`;
  return (
    <form className="row" onSubmit={onSubmit} noValidate aria-label={`Add an override to ${schedule.name}`}>
      <div className="field">
        <label htmlFor={id("email")}>Who covers</label>
        <input id={id("email")} name="email" type="email" placeholder="person@example.com" required />
      </div>
      <div className="field">
        <label htmlFor={id("startsAt")}>From (UTC)</label>
        <input id={id("startsAt")} name="startsAt" type="datetime-local" required />
      </div>
      <div className="field">
        <label htmlFor={id("endsAt")}>Until (UTC)</label>
        <input id={id("endsAt")} name="endsAt" type="datetime-local" required />
      </div>
      <div className="field">
        <label htmlFor={id("reason")}>Why</label>
        <input id={id("reason")} name="reason" required />
      </div>
      <button type="submit" className="button button-small" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add override"}
      </button>
      <ErrorLine error={add.error} />
    </form>
  );
}

function ScheduleCard({ schedule, canManage }: { schedule: ScheduleView; canManage: boolean }) {
  const removeOverride = useOnCallMutation((overrideId: string) => api.call("deleteOnCallOverride", { params: { id: schedule.id, overrideId } }));
  const remove = useOnCallMutation(() => api.call("deleteOnCallSchedule", { params: { id: schedule.id } }));
  return (
    <article className="card stack" aria-labelledby={`schedule-${schedule.id}`}>
      <h3 id={`schedule-${schedule.id}`}>{schedule.name}</h3>
      <p className="muted">
        {schedule.period === "weekly" ? "Weekly" : "Daily"} at {schedule.handoffTime} {schedule.timeZone}, from {schedule.startDate}: {names(schedule.people)}.
        {schedule.usedBy.length ? ` Paged by ${schedule.usedBy.map((policy) => policy.name).join(", ")}.` : " No escalation policy names it."}
      </p>
      <p>
        On call now:{" "}
        {schedule.onCallNow.people.length ? (
          <strong>{names(schedule.onCallNow.people)}</strong>
        ) : (
          <Badge tone="bad">nobody (the rotation has not started)</Badge>
        )}
        {schedule.onCallNow.source === "override" ? <span className="muted"> (override)</span> : null}
      </p>
      {schedule.nextHandoffs.length ? (
        <ul>
          {schedule.nextHandoffs.map((handoff) => (
            <li key={handoff.at.at}>
              {handoff.at.at.slice(0, 16).replace("T", " ")} UTC ({handoff.at.local}): {names(handoff.from)} → <strong>{names(handoff.to)}</strong>
              {handoff.toLocal.length ? <span className="muted"> — {handoff.toLocal.join("; ")}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No handoff in the next {HORIZON_DAYS} days.</p>
      )}
      <Coverage schedule={schedule} />
      {schedule.overrides.length ? (
        <ul aria-label="Overrides">
          {schedule.overrides.map((override) => (
            <li key={override.id}>
              {override.person.email} covers {override.startsAt.local} → {override.endsAt.local} ({override.reason}, by {override.createdBy}){" "}
              {canManage ? (
                <button type="button" className="button button-small" onClick={() => removeOverride.mutate(override.id)} disabled={removeOverride.isPending}>
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorLine error={removeOverride.error} />
      {canManage ? <OverrideForm schedule={schedule} /> : null}
      {canManage ? (
        <div>
          <button type="button" className="button button-small" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete schedule
          </button>
          <ErrorLine error={remove.error} />
        </div>
      ) : null}
    </article>
  );
}

function CreateScheduleForm() {
  const [zone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const create = useOnCallMutation((body: { name: string; timeZone: string; period: "daily" | "weekly"; startDate: string; handoffTime: string; people: string[] }) =>
    api.call("createOnCallSchedule", { body }),
  );
  const field = blamedField(create.error);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: text(form, "name"),
      timeZone: text(form, "timeZone"),
      period: text(form, "period") === "daily" ? "daily" : "weekly",
      startDate: text(form, "startDate"),
      handoffTime: text(form, "handoffTime"),
      people: emails(text(form, "people")),
    });
  }
  const error = (name: string) => (field?.split(".")[0] === name ? create.error?.message : undefined);
  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 640 }} aria-labelledby="new-schedule">
      <h3 id="new-schedule">New rotation</h3>
      <div className="field">
        <label htmlFor="schedule-name">Name</label>
        <input id="schedule-name" name="name" required aria-describedby="schedule-name-error" />
        <FieldError id="schedule-name-error" message={error("name")} />
      </div>
      <div className="field">
        <label htmlFor="schedule-people">People, in order (emails)</label>
        <input id="schedule-people" name="people" placeholder="ada@example.com, bob@example.com" aria-describedby="schedule-people-error" />
        <FieldError id="schedule-people-error" message={error("people")} />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="schedule-period">Hands off</label>
          <select id="schedule-period" name="period" defaultValue="weekly">
            <option value="weekly">weekly</option>
            <option value="daily">daily</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="schedule-start">First handoff (local date)</label>
          <input id="schedule-start" name="startDate" type="date" aria-describedby="schedule-start-error" />
          <FieldError id="schedule-start-error" message={error("startDate")} />
        </div>
        <div className="field">
          <label htmlFor="schedule-time">At (local time)</label>
          <input id="schedule-time" name="handoffTime" type="time" defaultValue="09:00" aria-describedby="schedule-time-error" />
          <FieldError id="schedule-time-error" message={error("handoffTime")} />
        </div>
        <div className="field">
          <label htmlFor="schedule-zone">Time zone (IANA)</label>
          <input id="schedule-zone" name="timeZone" defaultValue={zone} aria-describedby="schedule-zone-error" />
          <FieldError id="schedule-zone-error" message={error("timeZone")} />
        </div>
      </div>
      {create.error && !["name", "people", "startDate", "handoffTime", "timeZone"].includes(field?.split(".")[0] ?? "") ? <ErrorLine error={create.error} /> : null}
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create rotation"}
        </button>
      </div>
    </form>
  );
}

export function SchedulesSection({ canManage }: { canManage: boolean }) {
  const { data, isPending, isError } = useQuery(onCallQueries.schedules(HORIZON_DAYS));
  return (
    <section className="card stack" aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Rotations</h2>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? <p className="field-error">Could not load the on-call schedules.</p> : null}
      {data && data.schedules.length === 0 ? <p className="muted">No rotation yet.{canManage ? " Create one below." : ""}</p> : null}
      {data?.schedules.map((schedule) => <ScheduleCard key={schedule.id} schedule={schedule} canManage={canManage} />)}
      {canManage ? <CreateScheduleForm /> : null}
    </section>
  );
}
