/**
 * Failures a caller can act on. Route handlers and server actions turn them
 * into 4xx answers with their message; anything else is a bug and answers 500
 * without details.
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429,
    readonly code: "validation_failed" | "unauthenticated" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "rate_limited",
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, field?: string) {
    super(400, "validation_failed", message, field);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, field?: string) {
    super(409, "conflict", message, field);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "rate_limited", message);
  }
}
