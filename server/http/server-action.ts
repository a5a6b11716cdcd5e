import "server-only";
import type { z } from "zod";
import { accessTo } from "@/core/access/access";
import type { Permission } from "@/core/access/permissions";
import type { ApiError } from "@/contracts/errors";
import type { UserActor } from "../auth/actor";
import { assertAllowedOnTarget } from "../access/check-target";
import { currentActor } from "../auth/current-actor";
import { DomainError } from "../errors";
import { crossSiteActionRefusal } from "./cross-site-guard";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ApiError["error"] };

/**
 * What every server action runs through: the same checks, in the same order,
 * as an API route (from the console's own pages, signed in, permitted, valid input), answering with a result
 * the form can show instead of throwing into an error page. An action names
 * no service, so it counts as acting on the fleet as a whole, which a role
 * limited to services never may (the console reaches per-service operations
 * through the API, whose operations name their service).
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
  const access = accessTo(actor, permission);
  if (access.kind === "denied") return { ok: false, error: { code: "forbidden", message: access.message } };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") || undefined;
    return { ok: false, error: { code: "validation_failed", message: `${field ?? "input"}: ${issue?.message ?? "is invalid"}`, field } };
  }
  try {
    await assertAllowedOnTarget(access, permission, async () => ({ kind: "fleet" }));
    return { ok: true, data: await handler(actor, parsed.data) };
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
    }
    console.error("[action] failed:", error);
    return { ok: false, error: { code: "internal", message: "Internal error; the control plane's log has the details." } };
  }
}
