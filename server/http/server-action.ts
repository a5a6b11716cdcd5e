import "server-only";
import type { z } from "zod";
import { hasPermission, type Permission } from "@/core/access/permissions";
import type { ApiError } from "@/contracts/errors";
import type { UserActor } from "../auth/actor";
import { currentActor } from "../auth/current-actor";
import { DomainError } from "../errors";
import { crossSiteActionRefusal } from "./cross-site-guard";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ApiError["error"] };

/**
 * What every server action runs through: the same checks, in the same order,
 * as an API route (from the console's own pages, signed in, permitted, valid input), answering with a result
 * the form can show instead of throwing into an error page.
 */
export async function runAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  input: unknown,
  handler: (actor: UserActor, data: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  const crossSite = await crossSiteActionRefusal();
  if (crossSite) return { ok: false, error: { code: "forbidden", message: crossSite } };
  const actor = await currentActor();
  if (!actor) return { ok: false, error: { code: "unauthenticated", message: "Your session has ended; sign in again." } };
  if (!hasPermission(actor.roles, permission)) {
    return { ok: false, error: { code: "forbidden", message: `Your roles do not include the permission ${permission}.` } };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") || undefined;
    return { ok: false, error: { code: "validation_failed", message: `${field ?? "input"}: ${issue?.message ?? "is invalid"}`, field } };
  }
  try {
    return { ok: true, data: await handler(actor, parsed.data) };
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
    }
    console.error("[action] failed:", error);
    return { ok: false, error: { code: "internal", message: "Internal error; the control plane's log has the details." } };
  }
}
