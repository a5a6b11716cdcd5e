import type { JsonValue } from "./canonical-json";
import { canonicalJson } from "./canonical-json";

export type DiffChange = "added" | "removed" | "changed";

export interface DiffEntry {
  /** `$` for the whole value, then `.key` and `[index]` steps. */
  path: string;
  change: DiffChange;
  before?: JsonValue;
  after?: JsonValue;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function same(a: JsonValue, b: JsonValue): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The leaves that differ between two JSON values, in key order: objects are
 * compared key by key, arrays index by index, anything else as a whole. A
 * missing side (null, as the trail stores "no value") makes every leaf of
 * the other side added or removed, so creating and deleting read naturally.
 */
export function diffJson(before: JsonValue, after: JsonValue, path = "$"): DiffEntry[] {
  if (same(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const inBefore = Object.hasOwn(before, key);
      const inAfter = Object.hasOwn(after, key);
      if (!inAfter) return [{ path: childPath(path, key), change: "removed" as const, before: before[key] as JsonValue }];
      if (!inBefore) return [{ path: childPath(path, key), change: "added" as const, after: after[key] as JsonValue }];
      return diffJson(before[key] as JsonValue, after[key] as JsonValue, childPath(path, key));
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const entries: DiffEntry[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      const itemPath = `${path}[${index}]`;
      if (index >= after.length) entries.push({ path: itemPath, change: "removed", before: before[index] as JsonValue });
      else if (index >= before.length) entries.push({ path: itemPath, change: "added", after: after[index] as JsonValue });
      else entries.push(...diffJson(before[index] as JsonValue, after[index] as JsonValue, itemPath));
    }
    return entries;
  }
  if (before === null && isObject(after)) return diffJson({}, after, path);
  if (isObject(before) && after === null) return diffJson(before, {}, path);
  if (before === null) return [{ path, change: "added", after }];
  if (after === null) return [{ path, change: "removed", before }];
  return [{ path, change: "changed", before, after }];
}
