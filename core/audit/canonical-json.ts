/**
 * Canonical JSON: object keys sorted by code point at every depth, no
 * whitespace. Two structurally equal values always serialise to the same
 * string, whatever order their keys were written or stored in (PostgreSQL's
 * jsonb reorders keys), which is what makes audit hashes reproducible.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  const keys = Object.keys(value).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`);
  return `{${members.join(",")}}`;
}

/**
 * Turns any JSON-able value (Dates, bigints, nested objects with undefined
 * members) into the plain JSON value it will be stored as, so that what is
 * hashed is exactly what is stored and read back.
 */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value} as JSON`);
    return value;
  }
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined && typeof member !== "function") result[key] = toJsonValue(member);
    }
    return result;
  }
  throw new TypeError(`cannot store a ${typeof value} as JSON`);
}
