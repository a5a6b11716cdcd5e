"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type OperationBody } from "@/client/api-client";
import { blamedField } from "@/client/page-mutation";
import { onCallQueries } from "@/client/queries/oncall";
import { FieldError } from "@/components/ui/field-error";

type Format = OperationBody<"setPagingContact">["format"];
const FIELDS = ["format", "url", "routingKey", "timeZone"];

/** Where escalation pages the signed-in person, in the format their receiver accepts. */
export function PagingContactForm() {
  const client = useQueryClient();
  const current = useQuery(onCallQueries.pagingContact());
  const refresh = () => client.invalidateQueries({ queryKey: onCallQueries.pagingContact().queryKey });
  const save = useMutation({ mutationFn: (body: OperationBody<"setPagingContact">) => api.call("setPagingContact", { body }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => api.call("deletePagingContact"), onSuccess: refresh });
  const [format, setFormat] = useState<Format | null>(null);
  const [browserZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);

  if (current.isPending) return <p className="muted">Loading…</p>;
  if (current.isError) return <p className="field-error">Could not load your paging contact.</p>;
  const contact = current.data.contact;
  const chosen = format ?? contact?.format ?? "switchyard";
  const error = save.error ? { message: save.error.message, field: blamedField(save.error) } : null;
  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const routingKey = String(form.get("routingKey") ?? "").trim();
    save.mutate({
      format: chosen,
      url: String(form.get("url") ?? "").trim(),
      timeZone: String(form.get("timeZone") ?? "").trim(),
      ...(chosen === "pagerduty" && routingKey ? { routingKey } : {}),
    });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 640 }}>
      <p className="muted">
        {contact
          ? `You are paged at ${contact.url} (${contact.format}); times on the on-call page are shown in ${contact.timeZone} for you.`
          : "You have no paging contact: escalation records pages to you as not deliverable."}
      </p>
      <div className="field">
        <label htmlFor="paging-format">Format your receiver accepts</label>
        <select id="paging-format" name="format" value={chosen} onChange={(event) => setFormat(event.target.value as Format)} aria-describedby="paging-format-hint">
          {current.data.formats.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.id}
            </option>
          ))}
        </select>
        <span id="paging-format-hint" className="hint">
          {current.data.formats.find((entry) => entry.id === chosen)?.sentence}
        </span>
      </div>
      <div className="field">
        <label htmlFor="paging-url">Webhook URL</label>
        <input
          id="paging-url"
          name="url"
          type="url"
          defaultValue={contact?.url ?? (chosen === "pagerduty" ? "https://events.pagerduty.com/v2/enqueue" : "")}
          key={chosen}
          required
          aria-invalid={fieldError("url") ? true : undefined}
          aria-describedby="paging-url-error"
        />
        <FieldError id="paging-url-error" message={fieldError("url")} />
      </div>
      {chosen === "pagerduty" ? (
        <div className="field">
          <label htmlFor="paging-key">PagerDuty integration (routing) key</label>
          <input id="paging-key" name="routingKey" autoComplete="off" aria-describedby="paging-key-hint paging-key-error" aria-invalid={fieldError("routingKey") ? true : undefined} />
          <span id="paging-key-hint" className="hint">
            {contact?.hasRoutingKey ? "A key is set; it is never shown. Enter it again to save." : "Never shown again once saved."}
          </span>
          <FieldError id="paging-key-error" message={fieldError("routingKey")} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="paging-zone">Your time zone (IANA)</label>
        <input id="paging-zone" name="timeZone" defaultValue={contact?.timeZone ?? browserZone} aria-describedby="paging-zone-error" aria-invalid={fieldError("timeZone") ? true : undefined} />
        <FieldError id="paging-zone-error" message={fieldError("timeZone")} />
      </div>
      {error && !FIELDS.includes(error.field ?? "") ? (
        <div className="alert alert-error" role="alert">
          {error.message}
        </div>
      ) : null}
      {save.isSuccess ? (
        <p role="status" className="muted">
          Saved.
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save paging contact"}
        </button>
        {contact ? (
          <button type="button" className="button" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Stop paging me
          </button>
        ) : null}
      </div>
    </form>
  );
}
