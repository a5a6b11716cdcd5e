import "server-only";
import { z } from "zod";
import type { ApiError } from "@/contracts/errors";
import { isStoreUnreachable } from "@/core/store/store-unreachable";
import { DomainError, RateLimitedError } from "../errors";

/** `extra` carries what an operation adds to its error shape (see its `errorSchemas`). */
export function errorResponse(status: number, error: ApiError["error"], headers?: HeadersInit, extra?: Record<string, unknown>): Response {
  return Response.json({ ...extra, error } satisfies ApiError, { status, headers });
}

/** `roles.0: must name at least one role` style messages, naming the field. */
export function zodErrorResponse(error: z.core.$ZodError, where: "body" | "params" | "query"): Response {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const field = path || undefined;
  const message = `${field ?? where}: ${issue?.message ?? "is invalid"}`;
  return errorResponse(400, { code: "validation_failed", message, ...(field ? { field } : {}) });
}

/** The client hung up before its request was read (an agent's request that timed out): nothing went wrong here. */
function clientGone(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ECONNRESET" && error.message === "aborted";
}

/** Maps what a handler threw to an answer; unknown errors are logged, never shown. */
export function thrownResponse(error: unknown, context: string): Response {
  if (clientGone(error)) return errorResponse(400, { code: "client_closed", message: "The client closed the request before it was read." });
  if (error instanceof DomainError) {
    const headers = error instanceof RateLimitedError ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
    return errorResponse(
      error.status,
      { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      headers,
    );
  }
  if (isStoreUnreachable(error)) {
    // One line, not a stack per request: while the store fails over every request meets this.
    console.warn(`[api] ${context}: the store is unreachable (${error instanceof Error ? error.message : String(error)})`);
    return errorResponse(
      503,
      { code: "store_unavailable", message: "The control plane cannot reach its store (PostgreSQL) right now, e.g. while it fails over. Retry in a few seconds." },
      { "Retry-After": "2" },
    );
  }
  console.error(`[api] ${context} failed:`, error);
  return errorResponse(500, { code: "internal", message: "Internal error; the control plane's log has the details." });
}
