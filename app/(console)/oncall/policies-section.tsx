"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/client/api-client";
import { ErrorLine, useOnCallMutation } from "./on-call-mutation";
import { onCallQueries } from "@/client/queries/oncall";
import { fleetQueries } from "@/client/queries/fleet";
import type { EscalationPolicyView } from "@/contracts/oncall";
import { Badge } from "@/components/ui/badge";

type Target = { type: "user"; email: string } | { type: "schedule"; scheduleId: string };
type LevelDraft = { timeoutMinutes: string; emails: string; scheduleIds: string[] };
const EMPTY_LEVEL: LevelDraft = { timeoutMinutes: "5", emails: "", scheduleIds: [] };

function targetLabel(target: EscalationPolicyView["levels"][number]["targets"][number]): string {
  if (target.type === "user") return target.person.email;
  const now = target.onCallNow.map((person) => person.email).join(", ") || "nobody on call now";
  return `rotation "${target.name}" (${now})`;
}

function PolicyCard({ policy, canManage }: { policy: EscalationPolicyView; canManage: boolean }) {
  const remove = useOnCallMutation(() => api.call("deleteEscalationPolicy", { params: { id: policy.id } }));
  const makeDefault = useOnCallMutation(() => api.call("updateEscalationPolicy", { params: { id: policy.id }, body: { isDefault: true } }));
  return (
    <article className="card stack" aria-labelledby={`policy-${policy.id}`}>
      <h3 id={`policy-${policy.id}`}>
        {policy.name} {policy.isDefault ? <Badge tone="info">default</Badge> : null}
      </h3>
      <p className="muted">
        {policy.isDefault ? "Pages for every service without a policy of its own" : "Pages for"}
        {policy.services.length ? `${policy.isDefault ? ", and for " : " "}${policy.services.join(", ")}.` : policy.isDefault ? "." : " no service yet."}
      </p>
      <ol>
        {policy.levels.map((level, index) => (
          <li key={index}>
            Page {level.targets.map(targetLabel).join(" and ")}; if nobody acknowledges within {level.timeoutMinutes} min,{" "}
            {index + 1 < policy.levels.length ? `level ${index + 2}` : "nobody more is paged"}.
          </li>
        ))}
      </ol>
      {canManage ? (
        <div className="row">
          {!policy.isDefault ? (
            <button type="button" className="button button-small" onClick={() => makeDefault.mutate()} disabled={makeDefault.isPending}>
              Make default
            </button>
          ) : null}
          <button type="button" className="button button-small" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete policy
          </button>
        </div>
      ) : null}
      <ErrorLine error={remove.error ?? makeDefault.error} />
    </article>
  );
}

function CreatePolicyForm({ schedules }: { schedules: { id: string; name: string }[] }) {
  const [levels, setLevels] = useState<LevelDraft[]>([EMPTY_LEVEL]);
  const create = useOnCallMutation((body: { name: string; isDefault: boolean; levels: { timeoutMinutes: number; targets: Target[] }[] }) => api.call("createEscalationPolicy", { body }));
  const change = (index: number, patch: Partial<LevelDraft>) => setLevels((drafts) => drafts.map((draft, at) => (at === index ? { ...draft, ...patch } : draft)));
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get("name") ?? "").trim(),
      isDefault: form.get("isDefault") === "on",
      levels: levels.map((level) => ({
        timeoutMinutes: Number(level.timeoutMinutes),
        targets: [
          ...level.emails.split(/[\s,]+/).filter(Boolean).map((email): Target => ({ type: "user", email })),
          ...level.scheduleIds.map((scheduleId): Target => ({ type: "schedule", scheduleId })),
        ],
      })),
    });
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 720 }} aria-labelledby="new-policy">
      <h3 id="new-policy">New escalation policy</h3>
      <div className="field">
        <label htmlFor="policy-name">Name</label>
        <input id="policy-name" name="name" required />
      </div>
      <label className="row">
        <input type="checkbox" name="isDefault" /> The default: pages for every service without a policy of its own
      </label>
      {levels.map((level, index) => (
        <fieldset key={index} className="stack">
          <legend>Level {index + 1}</legend>
          <div className="field">
            <label htmlFor={`level-${index}-emails`}>People (emails)</label>
            <input id={`level-${index}-emails`} value={level.emails} onChange={(event) => change(index, { emails: event.target.value })} placeholder="ada@example.com" />
          </div>
          {schedules.length ? (
            <div className="field">
              <span>Whoever is on call in</span>
              {schedules.map((schedule) => (
                <label key={schedule.id} className="row">
                  <input
                    type="checkbox"
                    checked={level.scheduleIds.includes(schedule.id)}
                    onChange={(event) =>
                      change(index, { scheduleIds: event.target.checked ? [...level.scheduleIds, schedule.id] : level.scheduleIds.filter((id) => id !== schedule.id) })
                    }
                  />{" "}
                  {schedule.name}
                </label>
              ))}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`level-${index}-timeout`}>Escalate after (minutes without acknowledgement)</label>
            <input id={`level-${index}-timeout`} type="number" min={1} max={1440} value={level.timeoutMinutes} onChange={(event) => change(index, { timeoutMinutes: event.target.value })} />
          </div>
          {levels.length > 1 ? (
            <button type="button" className="button button-small" onClick={() => setLevels((drafts) => drafts.filter((_, at) => at !== index))}>
              Remove level {index + 1}
            </button>
          ) : null}
        </fieldset>
      ))}
      <div className="row">
        <button type="button" className="button button-small" onClick={() => setLevels((drafts) => [...drafts, EMPTY_LEVEL])}>
          Add a level
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create policy"}
        </button>
      </div>
      <ErrorLine error={create.error} />
    </form>
  );
}

function ServiceAssignments({ policies, canManage }: { policies: EscalationPolicyView[]; canManage: boolean }) {
  const services = useQuery(fleetQueries.services());
  const assign = useOnCallMutation(({ serviceId, policyId }: { serviceId: string; policyId: string | null }) =>
    api.call("assignEscalationPolicy", { params: { id: serviceId }, body: { policyId } }),
  );
  const fallback = policies.find((policy) => policy.isDefault);
  if (services.isPending) return <p className="muted">Loading services…</p>;
  if (services.isError) return <p className="field-error">Could not load the services.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Escalation policy</th>
          </tr>
        </thead>
        <tbody>
          {services.data.services.map((service) => {
            const own = policies.find((policy) => policy.services.includes(service.id));
            return (
              <tr key={service.id}>
                <td>{service.id}</td>
                <td>
                  {canManage ? (
                    <select
                      aria-label={`Escalation policy of ${service.id}`}
                      value={own?.id ?? ""}
                      disabled={assign.isPending}
                      onChange={(event) => assign.mutate({ serviceId: service.id, policyId: event.target.value || null })}
                    >
                      <option value="">{fallback ? `the default (${fallback.name})` : "the default (none: nobody is paged)"}</option>
                      {policies.map((policy) => (
                        <option key={policy.id} value={policy.id}>
                          {policy.name}
                        </option>
                      ))}
                    </select>
                  ) : (
                    (own?.name ?? (fallback ? `the default (${fallback.name})` : <Badge tone="warn">none: nobody is paged</Badge>))
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorLine error={assign.error} />
    </div>
  );
}

export function PoliciesSection({ canManage }: { canManage: boolean }) {
  const policies = useQuery(onCallQueries.policies());
  const schedules = useQuery(onCallQueries.schedules(1));
  return (
    <section className="card stack" aria-labelledby="policies-heading">
      <h2 id="policies-heading">Escalation policies</h2>
      {policies.isPending ? <p className="muted">Loading…</p> : null}
      {policies.isError ? <p className="field-error">Could not load the escalation policies.</p> : null}
      {policies.data && policies.data.policies.length === 0 ? <p className="muted">No escalation policy yet: critical alerts page nobody.</p> : null}
      {policies.data?.policies.map((policy) => <PolicyCard key={policy.id} policy={policy} canManage={canManage} />)}
      {policies.data ? <ServiceAssignments policies={policies.data.policies} canManage={canManage} /> : null}
      {canManage ? <CreatePolicyForm schedules={schedules.data?.schedules.map(({ id, name }) => ({ id, name })) ?? []} /> : null}
    </section>
  );
}
