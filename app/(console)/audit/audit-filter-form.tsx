"use client";

import { AUDIT_ACTIONS } from "@/contracts/audit";

/** `datetime-local` has no zone; the form labels it UTC and the URL keeps the ISO instant. */
const toInput = (iso: string | null) => (iso ? iso.slice(0, 16) : "");
const toIso = (local: string) => (local ? `${local}:00Z` : "");

const TEXT_FILTERS = [
  { name: "actor", label: "Actor", hint: "email, agent name or id" },
  { name: "targetType", label: "Target type", hint: "e.g. user, replica, run" },
  { name: "targetId", label: "Target id", hint: "" },
  { name: "serviceId", label: "Service", hint: "e.g. orders-db" },
] as const;

export function AuditFilterForm({ current, onApply }: { current: URLSearchParams; onApply: (params: URLSearchParams) => void }) {
  const selectedActions = new Set((current.get("action") ?? "").split(",").filter(Boolean));
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const set = (key: string, value: string) => value.trim() && next.set(key, value.trim());
    set("from", toIso(String(data.get("from") ?? "")));
    set("to", toIso(String(data.get("to") ?? "")));
    for (const { name } of TEXT_FILTERS) set(name, String(data.get(name) ?? ""));
    set("action", data.getAll("action").map(String).join(","));
    set("outcome", String(data.get("outcome") ?? ""));
    set("q", String(data.get("q") ?? ""));
    onApply(next);
  };
  return (
    <form className="card audit-filters" aria-label="Filter the audit trail" onSubmit={submit} onReset={() => onApply(new URLSearchParams())}>
      <label className="field">
        <span>From (UTC)</span>
        <input type="datetime-local" name="from" defaultValue={toInput(current.get("from"))} />
      </label>
      <label className="field">
        <span>To (UTC, exclusive)</span>
        <input type="datetime-local" name="to" defaultValue={toInput(current.get("to"))} />
      </label>
      {TEXT_FILTERS.map(({ name, label, hint }) => (
        <label key={name} className="field">
          <span>{label}</span>
          <input type="text" name={name} defaultValue={current.get(name) ?? ""} placeholder={hint} />
        </label>
      ))}
      <label className="field">
        <span>Outcome</span>
        <select name="outcome" defaultValue={current.get("outcome") ?? ""}>
          <option value="">Any</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
        </select>
      </label>
      <label className="field audit-filters-actions">
        <span>Actions</span>
        <select name="action" multiple size={5} defaultValue={[...selectedActions]}>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
        <span className="hint">Ctrl/⌘ or Shift to pick several; none means all.</span>
      </label>
      <label className="field audit-filters-search">
        <span>Search reasons and details</span>
        <input type="search" name="q" defaultValue={current.get("q") ?? ""} placeholder='words, "a phrase", -excluded' />
      </label>
      <div className="row audit-filters-buttons">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <button type="reset" className="button">
          Clear
        </button>
      </div>
    </form>
  );
}
