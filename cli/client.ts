import type { z } from "zod";
import { apiRequest, ApiClientError } from "@/client/api-client";
import { apiErrorSchema } from "@/contracts/errors";
import { OPERATIONS, type ApiOperation, type OperationId } from "@/contracts/operations";
import { issueMessage } from "./issue-message";
import { fillPath, withQuery } from "./paths";
import { UsageError } from "./usage-error";

export interface Connection {
  baseUrl: string;
  token: string;
}

export interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

type Operations = typeof OPERATIONS;
export type SuccessOf<K extends OperationId> = Operations[K]["success"] extends { schema: infer S extends z.ZodType } ? z.output<S> : never;

/**
 * Checks the input with the operation's own schemas, so a mistake is refused
 * here with the server's wording, and builds the path from the operation's
 * template, so the CLI cannot call a route the server does not have.
 */
export function requestPath(op: ApiOperation, input: CallInput): string {
  const checks = [
    ["params", op.params, input.params ?? {}],
    ["query", op.query, input.query ?? {}],
    ["body", op.body, input.body],
  ] as const;
  for (const [where, schema, value] of checks) {
    if (!schema) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new UsageError(issueMessage(parsed.error, where));
  }
  return withQuery(fillPath(op.path, input.params), input.query);
}

export class Client {
  constructor(readonly connection: Connection) {}

  async call<K extends OperationId>(id: K, input: CallInput = {}): Promise<SuccessOf<K>> {
    const op: ApiOperation = OPERATIONS[id];
    const schema = op.success.schema;
    if (!schema) throw new Error(`${id} answers no JSON to validate`);
    const path = requestPath(op, input);
    const { baseUrl, token } = this.connection;
    return (await apiRequest(op.method, path, schema, { baseUrl, token, body: input.body })) as SuccessOf<K>;
  }

  /** For answers that are files, not JSON: hands each chunk on as it arrives instead of holding the whole body. */
  async stream(id: OperationId, input: CallInput, sink: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const op: ApiOperation = OPERATIONS[id];
    const path = requestPath(op, input);
    const response = await fetch(`${this.connection.baseUrl}${path}`, { method: op.method, headers: { authorization: `Bearer ${this.connection.token}` } });
    if (!response.ok) {
      const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
      if (parsed.success) throw new ApiClientError(response.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.field);
      throw new ApiClientError(response.status, "internal", `${op.method} ${path} answered ${response.status}`);
    }
    const reader = response.body?.getReader();
    if (!reader) return;
    for (let read = await reader.read(); !read.done; read = await reader.read()) await sink(read.value);
  }
}
