import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { mayAnywhere } from "@/core/access/access";
import type { Permission } from "@/core/access/permissions";
import { clientIp, type UserActor } from "./actor";
import { actorFromSessionToken, SESSION_COOKIES } from "./resolve-actor";

/** The signed-in person behind a page render or server action, if any. */
export async function currentActor(): Promise<UserActor | null> {
  const cookieStore = await cookies();
  const sessionToken = SESSION_COOKIES.map((name) => cookieStore.get(name)?.value).find(Boolean);
  return actorFromSessionToken(sessionToken, clientIp(await headers()));
}

/** For pages: sends strangers to sign in and answers 403 to those lacking `permission`. */
export async function requirePagePermission(permission: Permission): Promise<UserActor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  if (!mayAnywhere(actor, permission)) forbidden();
  return actor;
}
