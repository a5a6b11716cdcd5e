/** The token of an `Authorization: Bearer <token>` header; null when there is no such header or it is malformed. */
export function bearerToken(headers: Headers): string | null {
  return bearerTokenOf(headers.get("authorization"));
}

/** The same, from the Authorization header's value as Node's server hands it (a report stream's opening builds no Request). */
export function bearerTokenOf(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  return match?.[1] ?? null;
}
