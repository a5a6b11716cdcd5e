import { formatBytes } from "../format";
import type { PolicyDocument } from "@/contracts/policy";

/** One field that differs between two policy documents. */
export interface PolicyChange {
  /** Dotted path, e.g. `failover.maxLagBytes` or `datasets.orders.residency.jurisdictions`. */
  field: string;
  kind: "added" | "removed" | "changed";
  before: unknown;
  after: unknown;
  /** `failover.maxLagBytes: 1 MiB → 64 MiB` */
  text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => typeof value === "object" && value !== null && !Array.isArray(value);

/** `1 MiB`, `3.5 MiB`: binary units without a trailing `.0`. */
export const formatPolicyBytes = (bytes: number) => formatBytes(bytes).replace(/\.0 /, " ");

/** A value as an operator reads it: bytes in binary units, switches as on/off. */
export function formatPolicyValue(field: string, value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number") {
    if (/Bytes(Max)?$/.test(field)) return formatPolicyBytes(value);
    if (/Seconds$/.test(field)) return `${value} s`;
    return String(value);
  }
  if (Array.isArray(value)) return value.length ? value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ") : "(none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function describeWindow(window: unknown): string {
  if (!isObject(window)) return JSON.stringify(window);
  const failover = window.automaticFailover === "armed" ? "automatic failover armed" : "automatic failover held";
  return `${String(window.startsAt)} – ${String(window.endsAt)} (${String(window.reason)}; ${failover})`;
}

function change(field: string, before: unknown, after: unknown): PolicyChange {
  const kind = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  const text =
    kind === "added" ? `${field}: added ${formatPolicyValue(field, after)}` : kind === "removed" ? `${field}: removed (was ${formatPolicyValue(field, before)})` : `${field}: ${formatPolicyValue(field, before)} → ${formatPolicyValue(field, after)}`;
  return { field, kind, before, after, text };
}

/** Maintenance windows are compared as items: each one is added or removed, in order. */
function windowChanges(before: readonly unknown[], after: readonly unknown[]): PolicyChange[] {
  const key = (window: unknown) => JSON.stringify(window);
  const beforeKeys = before.map(key);
  const afterKeys = after.map(key);
  const removed = before.filter((_, index) => !afterKeys.includes(beforeKeys[index]!));
  const added = after.filter((_, index) => !beforeKeys.includes(afterKeys[index]!));
  return [
    ...removed.map((window) => ({ field: "maintenanceWindows", kind: "removed" as const, before: window, after: undefined, text: `maintenanceWindows: removed ${describeWindow(window)}` })),
    ...added.map((window) => ({ field: "maintenanceWindows", kind: "added" as const, before: undefined, after: window, text: `maintenanceWindows: added ${describeWindow(window)}` })),
  ];
}

function walk(path: string, before: unknown, after: unknown, out: PolicyChange[]): void {
  if (path === "maintenanceWindows") {
    out.push(...windowChanges(Array.isArray(before) ? before : [], Array.isArray(after) ? after : []));
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(path ? `${path}.${key}` : key, before[key], after[key], out);
    return;
  }
  // A dataset rule that appears or disappears reads better field by field.
  if (isObject(before) !== isObject(after) && (before === undefined || after === undefined)) {
    const present = (before ?? after) as Record<string, Json>;
    for (const key of Object.keys(present).sort()) walk(`${path}.${key}`, isObject(before) ? before[key] : undefined, isObject(after) ? after[key] : undefined, out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push(change(path, before, after));
}

/** Field-level changes from one policy document to another, in a stable order; none when equal. */
export function diffPolicy(before: PolicyDocument, after: PolicyDocument): PolicyChange[] {
  const out: PolicyChange[] = [];
  walk("", before, after, out);
  return out;
}
