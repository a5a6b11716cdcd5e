import { z } from "zod";
import type { ApiOperation } from "@/contracts/operations";

/** An operation's path template (`…/runs/{id}/steps/{stepId}/confirm`) with its placeholders filled, each value URL-encoded. */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  const used = new Set<string>();
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template} needs a value for {${name}}`);
    used.add(name);
    return encodeURIComponent(value);
  });
  const extra = Object.keys(params).filter((name) => !used.has(name));
  if (extra.length) throw new Error(`${template} has no placeholder for ${extra.join(", ")}`);
  return path;
}

/** Appends the given query values, leaving out the unset ones so the server applies its defaults. */
export function withQuery(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export type InputPart = "params" | "query" | "body";

/** The server's wording for a refused input (`field: message`, see zodErrorResponse), so a request refused here reads the same. */
export function issueMessage(error: z.core.$ZodError, where: InputPart): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  return `${path || where}: ${issue?.message ?? "is invalid"}`;
}

/** An operation's input as the wire carries it: path and query values are strings, the body anything JSON. */
export interface WireInput {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | undefined>>;
  body?: unknown;
}

/** An input one of the operation's own schemas refused, before anything was sent. */
export interface InputRefusal {
  where: InputPart;
  error: z.core.$ZodError;
}

/**
 * Checks the input with the operation's own schemas, so a mistake is refused
 * before sending with the server's wording, and builds the path from the
 * operation's template, so no caller can reach a route the server does not have.
 */
export function operationPath(op: ApiOperation, input: WireInput): { ok: true; path: string } | ({ ok: false } & InputRefusal) {
  const checks = [
    ["params", op.params, input.params ?? {}],
    ["query", op.query, input.query ?? {}],
    ["body", op.body, input.body],
  ] as const;
  for (const [where, schema, value] of checks) {
    if (!schema) continue;
    const parsed = z.safeParse(schema, value);
    if (!parsed.success) return { ok: false, where, error: parsed.error };
  }
  return { ok: true, path: withQuery(fillPath(op.path, input.params), input.query) };
}
