import { policyDocumentSchema, type PolicyDocument } from "@/contracts/policy";

export type JsonPath = readonly (string | number)[];

/** One thing wrong with the text: where (a path into the document; empty for the whole text) and what. */
export interface DocumentProblem {
  path: JsonPath;
  /** `heartbeat.intervalSeconds`, `maintenanceWindows.0.endsAt`, or `document` for the whole text. */
  field: string;
  message: string;
}

export interface CheckedPolicyText {
  /** The parsed JSON, valid or not; undefined when the text is not JSON. */
  json: unknown;
  /** The document as the server would accept it; null while there is a problem. */
  document: PolicyDocument | null;
  problems: DocumentProblem[];
}

export const fieldOf = (path: JsonPath) => (path.length ? path.join(".") : "document");

/**
 * The editor's text checked as the API checks a proposal's document: JSON
 * first, then the policy schema the server parses it with, every problem
 * named by its path.
 */
export function checkPolicyText(text: string): CheckedPolicyText {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { json: undefined, document: null, problems: [{ path: [], field: "document", message: `not valid JSON (${error instanceof Error ? error.message : "unparseable"})` }] };
  }
  const parsed = policyDocumentSchema.safeParse(json);
  if (parsed.success) return { json, document: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
    return { path, field: fieldOf(path), message: issue.message };
  });
  return { json, document: null, problems };
}

const isContainer = (value: unknown): value is Record<string | number, unknown> => typeof value === "object" && value !== null;

/** The value at `path`, or undefined where the document has none. */
export function valueAt(json: unknown, path: JsonPath): unknown {
  let value = json;
  for (const key of path) {
    if (!isContainer(value)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * A copy of `json` with `value` at `path` (undefined removes it), creating
 * objects on the way, so the form can edit a document the schema still
 * rejects elsewhere. Key order is kept, so the code view does not jump.
 */
export function withValueAt(json: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if ((Array.isArray(json) || json === undefined) && typeof key === "number") {
    const copy = Array.isArray(json) ? [...json] : [];
    if (rest.length === 0 && value === undefined) copy.splice(key, 1);
    else copy[key] = withValueAt(copy[key], rest, value);
    return copy;
  }
  const object = isContainer(json) && !Array.isArray(json) ? json : {};
  if (rest.length === 0 && value === undefined) {
    const { [key]: _removed, ...others } = object;
    return others;
  }
  return { ...object, [key]: withValueAt(object[key], rest, value) };
}

/** How the code view shows a document. */
export const policyText = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;
