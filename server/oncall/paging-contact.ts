import "server-only";
import type { z } from "zod";
import type { pagingContactRequestSchema, PagingContactView } from "@/contracts/oncall";
import { NOTIFICATION_FORMATS } from "@/core/notifications/formats/notification-formats";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { NotFoundError } from "../errors";

type ContactRequest = z.output<typeof pagingContactRequestSchema>;

export async function pagingContactOf(userId: string): Promise<PagingContactView> {
  const contact = await db().pagingContact.findUnique({ where: { userId } });
  return {
    contact: contact
      ? { format: contact.format, url: contact.url, hasRoutingKey: contact.routingKey !== null, timeZone: contact.timeZone, updatedAt: contact.updatedAt.toISOString() }
      : null,
    formats: [...NOTIFICATION_FORMATS],
  };
}

/** What the audit trail keeps of a contact: never the routing key, which lets anyone open incidents. */
const audited = (contact: { format: string; url: string; timeZone: string; routingKey: string | null }) => ({
  format: contact.format,
  url: contact.url,
  timeZone: contact.timeZone,
  routingKey: contact.routingKey ? "set" : null,
});

export async function setPagingContact(actor: UserActor, request: ContactRequest): Promise<PagingContactView> {
  await db().$transaction(async (tx) => {
    const before = await tx.pagingContact.findUnique({ where: { userId: actor.userId } });
    const data = { format: request.format, url: request.url, routingKey: request.routingKey ?? null, timeZone: request.timeZone };
    const after = await tx.pagingContact.upsert({ where: { userId: actor.userId }, create: { userId: actor.userId, ...data }, update: data });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "paging_contact.update",
      target: { type: "user", id: actor.userId },
      before: before ? audited(before) : null,
      after: audited(after),
    });
  });
  return pagingContactOf(actor.userId);
}

export async function deletePagingContact(actor: UserActor): Promise<PagingContactView> {
  await db().$transaction(async (tx) => {
    const before = await tx.pagingContact.findUnique({ where: { userId: actor.userId } });
    if (!before) throw new NotFoundError("You have no paging contact.");
    await tx.pagingContact.delete({ where: { userId: actor.userId } });
    await appendAuditEvent(tx, { actor: auditActorOf(actor), action: "paging_contact.delete", target: { type: "user", id: actor.userId }, before: audited(before) });
  });
  return pagingContactOf(actor.userId);
}
