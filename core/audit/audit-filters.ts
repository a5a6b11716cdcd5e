/**
 * What a reviewer narrows the audit trail by. Shared by the query API, the
 * export, the audit page's URL and the `audit.view`/`audit.export` events,
 * so a filter means the same thing everywhere it appears.
 */
export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string[];
  targetType?: string;
  targetId?: string;
  serviceId?: string;
  outcome?: "success" | "failure";
  q?: string;
}

export const AUDIT_FILTER_KEYS = ["from", "to", "actor", "action", "targetType", "targetId", "serviceId", "outcome", "q"] as const satisfies readonly (keyof AuditFilters)[];

export type FilterProblem = { field: keyof AuditFilters; message: string };

const MAX_ACTIONS = 20;

/** `run.start,run.finish` → the distinct actions, each one the trail knows. */
export function parseActionList(text: string, known: readonly string[]): { ok: true; actions: string[] } | { ok: false; message: string } {
  const actions = [...new Set(text.split(",").map((item) => item.trim()).filter(Boolean))];
  if (actions.length === 0) return { ok: false, message: "name at least one action, e.g. run.start" };
  if (actions.length > MAX_ACTIONS) return { ok: false, message: `at most ${MAX_ACTIONS} actions at once` };
  const unknown = actions.find((action) => !known.includes(action));
  if (unknown !== undefined) return { ok: false, message: `unknown action "${unknown}"; the trail records ${known.join(", ")}` };
  return { ok: true, actions };
}

/** Whitespace collapsed; null when nothing searchable is left (punctuation only). */
export function normalizeSearchText(text: string): string | null {
  const collapsed = text.replace(/\s+/g, " ").trim();
  return /[\p{L}\p{N}]/u.test(collapsed) ? collapsed : null;
}

/** Rules that span fields; each single field is validated by its own schema. */
export function filterProblem(filters: AuditFilters): FilterProblem | null {
  if (filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to)) {
    return { field: "to", message: `must be after from (${filters.from})` };
  }
  if (filters.targetId && !filters.targetType) {
    return { field: "targetId", message: "give targetType with targetId (e.g. targetType=user)" };
  }
  return null;
}

/** Only the filters that are set, in a fixed order: what audit events record. */
export function activeFilters(filters: AuditFilters): AuditFilters {
  const active: AuditFilters = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filters[key];
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    (active as Record<string, unknown>)[key] = value;
  }
  return active;
}

/** The query string that reproduces these filters (actions comma-separated). */
export function filtersToSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(activeFilters(filters))) {
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params;
}
