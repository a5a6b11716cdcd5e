import type { z } from "zod";

/** The server's wording for a refused input (`field: message`), so a request caught locally reads the same. */
export function issueMessage(error: z.ZodError, where: "body" | "params" | "query"): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  return `${path || where}: ${issue?.message ?? "is invalid"}`;
}
