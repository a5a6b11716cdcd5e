/**
 * A one-line description of anything thrown. Node reports a refused
 * connection to a name with several addresses (localhost: ::1 and 127.0.0.1)
 * as an AggregateError with an empty message, and pg's server errors are
 * clearer with their SQLSTATE, so both get special care: an empty error
 * string in a report would say nothing about why a replica is unreachable.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(errorMessage))].join("; ");
  }
  if (error instanceof Error) {
    const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
    const text = error.message || (typeof code === "string" ? code : "") || error.name;
    return typeof severity === "string" && typeof code === "string" ? `${text} (SQLSTATE ${code})` : text;
  }
  return String(error);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
