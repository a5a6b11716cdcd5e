import type { z } from "zod";
import { apiErrorSchema } from "@/contracts/errors";

/** An API answer other than success, with the server's own message. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

export interface ApiClientOptions {
  /** Empty in the browser (same origin); the control plane's URL elsewhere. */
  baseUrl?: string;
  /** An API token, for scripts; the browser sends its session cookie instead. */
  token?: string;
}

/**
 * Calls the API and validates the answer with the operation's contract, so
 * the UI, the CLI and tests all read the same shapes.
 */
export async function apiRequest<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  options: ApiClientOptions & { body?: unknown; signal?: AbortSignal } = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${options.baseUrl ?? ""}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    credentials: "same-origin",
  });
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(payload);
    if (parsed.success) {
      const { code, message, field } = parsed.data.error;
      throw new ApiClientError(response.status, code, message, field);
    }
    throw new ApiClientError(response.status, "internal", `${method} ${path} answered ${response.status}`);
  }
  return schema.parse(payload);
}
