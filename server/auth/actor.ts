import "server-only";
import type { Principal } from "@/core/access/access";
import type { Role } from "@/core/access/permissions";
import type { AuditActor } from "../audit/append-audit-event";
import { requestAddress } from "../request/peer-address";

/** A signed-in person, through the browser session or an API token; their roles, limits and token scopes are what permissions are checked against. */
export interface UserActor extends Principal {
  type: "user";
  userId: string;
  email: string;
  name: string | null;
  roles: Role[];
  ip: string | null;
  via: "session" | "token";
  tokenId?: string;
}

export function auditActorOf(actor: UserActor): AuditActor {
  return { type: "user", id: actor.userId, label: actor.email, ip: actor.ip };
}

/**
 * The caller's address: the socket's peer, or what a proxy named in
 * SWITCHYARD_TRUSTED_PROXIES says it forwarded; never a header anyone else sent.
 */
export function clientIp(headers: Headers): string | null {
  return requestAddress(headers);
}
