/** The token of an `Authorization: Bearer <token>` header; null when there is no such header or it is malformed. */
export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return match?.[1] ?? null;
}
