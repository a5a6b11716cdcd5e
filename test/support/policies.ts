import type { PolicyDocument } from "@/contracts/policy";
import type { Role } from "@/core/access/permissions";
import type { UserActor } from "@/server/auth/actor";
import { createChangeRequest } from "@/server/change-requests/create-change-request";
import { db } from "@/server/db/client";
import { applyEmergencyChange } from "@/server/policy/apply-emergency-change";
import { effectivePolicies } from "@/server/policy/effective-policy";

/** A person as the server code sees them, for fixtures written through the product's own functions. */
export async function actorOf(email: string): Promise<UserActor> {
  const user = await db().user.findUniqueOrThrow({ where: { email } });
  return { type: "user", userId: user.id, email: user.email, name: user.name, roles: user.roles as Role[], serviceScopes: {}, tokenScopes: null, ip: null, via: "session" };
}

/** orders-db's policy in force now, changed by `change` (on a copy). */
export async function ordersPolicy(change: (document: PolicyDocument) => void = () => {}): Promise<PolicyDocument> {
  const document = structuredClone((await effectivePolicies(["orders-db"])).get("orders-db")!.document);
  change(document);
  return document;
}

let windowDay = 0;

/** A maintenance window on a day no other window of this test file uses. */
export function freshWindow(reason = "test window") {
  const start = new Date(Date.UTC(2040, 0, 1) + windowDay++ * 86_400_000);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3_600_000).toISOString(), reason, automaticFailover: "held" as const };
}

let forSeconds = 40;

/** An open request on orders-db that changes only alerts.forSeconds (one approval), by `requesterEmail`. */
export async function changeRequestFixture(requesterEmail: string, change?: (document: PolicyDocument) => void): Promise<string> {
  const document = await ordersPolicy(change ?? ((d) => (d.alerts.forSeconds = ++forSeconds)));
  const { id } = await createChangeRequest(await actorOf(requesterEmail), { serviceId: "orders-db", document, reason: "fixture", expiresInHours: 72 });
  return id;
}

/** An emergency version of orders-db's policy (a maintenance window added) by `operatorEmail`. */
export async function emergencyVersionFixture(operatorEmail: string): Promise<string> {
  const document = await ordersPolicy((d) => d.maintenanceWindows.push(freshWindow("fixture emergency")));
  return (await applyEmergencyChange(await actorOf(operatorEmail), "service:orders-db", document, "fixture emergency")).id;
}
