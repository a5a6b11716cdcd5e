"use client";

import { useState, type FormEvent } from "react";
import { api } from "@/client/api-client";
import { blamedField, usePageMutation } from "@/client/page-mutation";

interface Row {
  key: number;
  name: string;
  description: string;
  services: string[];
}

let nextKey = 0;
const rowOf = (component?: { name: string; description: string | null; services: string[] }): Row => ({
  key: nextKey++,
  name: component?.name ?? "",
  description: component?.description ?? "",
  services: component?.services ?? [],
});

/** The components as rows a person edits and saves as a whole, in page order. */
export function StatusComponentsForm({ initial, services, canEdit }: { initial: { name: string; description: string | null; services: string[] }[]; services: string[]; canEdit: boolean }) {
  const [rows, setRows] = useState<Row[]>(() => initial.map(rowOf));
  const save = usePageMutation((body: { components: { name: string; description?: string; services: string[] }[] }) => api.call("putStatusComponents", { body }));
  const field = blamedField(save.error);

  const update = (key: number, change: Partial<Row>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const move = (index: number, by: -1 | 1) =>
    setRows((current) => {
      const next = [...current];
      const [row] = next.splice(index, 1);
      next.splice(index + by, 0, row!);
      return next;
    });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ components: rows.map((row) => ({ name: row.name, ...(row.description.trim() ? { description: row.description } : {}), services: row.services })) });
  }

  return (
    <form className="form stack" onSubmit={onSubmit} noValidate>
      {!canEdit ? <p className="hint">Naming the status page&apos;s components needs the admin role.</p> : null}
      {rows.length === 0 ? <p className="muted">No component named: the page shows &ldquo;All systems&rdquo;.</p> : null}
      {rows.map((row, index) => (
        <fieldset key={row.key} className="card stack" disabled={!canEdit || save.isPending}>
          <legend>Component {index + 1}</legend>
          <div className="field">
            <label htmlFor={`component-${row.key}-name`}>Public name</label>
            <input
              id={`component-${row.key}-name`}
              value={row.name}
              maxLength={80}
              onChange={(event) => update(row.key, { name: event.target.value })}
              aria-invalid={field?.startsWith(`components.${index}.name`) ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`component-${row.key}-description`}>Description (optional)</label>
            <input id={`component-${row.key}-description`} value={row.description} maxLength={300} onChange={(event) => update(row.key, { description: event.target.value })} />
          </div>
          <fieldset className="stack" aria-invalid={field?.startsWith(`components.${index}.services`) ? true : undefined}>
            <legend>Services behind it</legend>
            {services.map((service) => (
              <label key={service} className="checkbox-row">
                <input
                  type="checkbox"
                  checked={row.services.includes(service)}
                  onChange={(event) => update(row.key, { services: event.target.checked ? [...row.services, service] : row.services.filter((id) => id !== service) })}
                />
                {service}
              </label>
            ))}
          </fieldset>
          <div className="row">
            <button type="button" className="button button-small" onClick={() => move(index, -1)} disabled={index === 0}>
              Move up
            </button>
            <button type="button" className="button button-small" onClick={() => move(index, 1)} disabled={index === rows.length - 1}>
              Move down
            </button>
            <button type="button" className="button button-small button-danger" onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}>
              Remove
            </button>
          </div>
        </fieldset>
      ))}
      {save.error ? (
        <div className="alert alert-error" role="alert">
          {save.error.message}
        </div>
      ) : null}
      {save.isSuccess && !save.isPending ? (
        <div className="alert alert-ok" role="status">
          Saved: the status page shows these components now.
        </div>
      ) : null}
      {canEdit ? (
        <div className="row">
          <button type="button" className="button" onClick={() => setRows((current) => [...current, rowOf()])} disabled={save.isPending}>
            Add component
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save components"}
          </button>
        </div>
      ) : null}
    </form>
  );
}
