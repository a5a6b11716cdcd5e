import "server-only";
import { decideRoles, roleSentence, type RoleRequest } from "@/core/incidents/incident-roles";
import { decideStatus, type IncidentStatus } from "@/core/incidents/incident-status";
import { decideOpen } from "@/core/incidents/open-rules";
import { decidePublicPost, type PublicPostRuleId } from "@/core/incidents/public-post";
import type { IncidentView } from "@/contracts/incidents";
import { appendAuditEvent } from "../audit/append-audit-event";
import { lockAuditChain } from "../audit/chain-keying";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { forgetStatusPage } from "../status-page/status-cache";
import { openIncidentOf } from "./incident-signs";
import { incidentView } from "./incident-view";

/** The incident, locked for the change; the chain's lock first, as every incident writer takes it (incident-signs.ts). */
async function lockedIncident(tx: Tx, id: string) {
  await lockAuditChain(tx);
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Incident" WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new NotFoundError(`No incident ${id}.`);
  return tx.incident.findUniqueOrThrow({ where: { id }, include: { services: true } });
}

/** A person declares an incident for one or more services, none of which may have an open one. */
export async function declareIncident(actor: UserActor, request: { serviceIds: string[]; title: string; note: string }): Promise<IncidentView> {
  const serviceIds = [...new Set(request.serviceIds)];
  const id = await db().$transaction(async (tx) => {
    await lockAuditChain(tx);
    const services = await tx.service.findMany({ where: { id: { in: serviceIds } }, select: { id: true, retiredAt: true } });
    for (const [index, serviceId] of serviceIds.entries()) {
      const service = services.find((candidate) => candidate.id === serviceId);
      if (!service) throw new ValidationError(`serviceIds[${index}]: no service ${serviceId}`, `serviceIds.${index}`);
      if (service.retiredAt) throw new ValidationError(`serviceIds[${index}]: ${serviceId} is retired`, `serviceIds.${index}`);
      const openId = await openIncidentOf(tx, serviceId);
      const decision = decideOpen({ kind: "declared", serviceId, label: request.title }, openId !== null);
      if (decision.outcome === "refuse") throw new ConflictError(`${serviceId} already has an open incident (${openId}): ${decision.sentence}`, `serviceIds.${index}`);
    }
    const now = new Date();
    const opened = decideOpen({ kind: "declared", serviceId: serviceIds[0]!, label: request.title }, false);
    const incident = await tx.incident.create({
      data: {
        title: request.title,
        openRule: opened.rule,
        openedByType: "user",
        openedById: actor.userId,
        openedByLabel: actor.email,
        firstSignAt: now,
        openedAt: now,
        commanderId: actor.userId,
        services: { create: serviceIds.map((serviceId) => ({ serviceId, openForServiceId: serviceId, attachedAt: now })) },
        updates: { create: [{ status: "investigating", note: request.note, authorType: "user", authorId: actor.userId, authorLabel: actor.email, at: now }] },
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "incident.open",
      target: { type: "incident", id: incident.id },
      serviceId: serviceIds[0],
      reason: request.note,
      after: { title: incident.title, status: incident.status, services: serviceIds, commander: actor.email },
      details: { rule: opened.rule, ruleSentence: opened.sentence },
    });
    return incident.id;
  });
  return incidentView(id);
}

const PUBLIC_POST_REFUSALS: Record<Exclude<PublicPostRuleId, "commander-posts">, (sentence: string) => Error> = {
  "no-commander": (sentence) => new ConflictError(sentence, "publicNote"),
  "commander-only": (sentence) => new ForbiddenError(sentence),
  "title-first": (sentence) => new ValidationError(`publicTitle: ${sentence}`, "publicTitle"),
};

interface StatusRequest {
  status: IncidentStatus;
  note: string;
  publicNote?: string;
  publicTitle?: string;
}

/**
 * A status update with its note, as core/incidents/incident-status allows;
 * resolving frees its services for a new incident. With a public note (and
 * a public title the first time), the commander posts it to the status
 * page too, as core/incidents/public-post allows.
 */
export async function updateIncidentStatus(actor: UserActor, id: string, request: StatusRequest): Promise<IncidentView> {
  const posting = request.publicNote !== undefined || request.publicTitle !== undefined;
  await db().$transaction(async (tx) => {
    const incident = await lockedIncident(tx, id);
    const decision = decideStatus(incident.status, request.status);
    if (!decision.allowed) throw new ConflictError(`Incident ${id} is ${incident.status}; ${decision.sentence}`, "status");
    const post = posting ? decidePublicPost({ authorId: actor.userId, commanderId: incident.commanderId, publicTitle: incident.publicTitle, titleGiven: request.publicTitle ?? null }) : null;
    if (post && post.id !== "commander-posts") throw PUBLIC_POST_REFUSALS[post.id](post.sentence);
    const now = new Date();
    const resolving = request.status === "resolved";
    await tx.incident.update({ where: { id }, data: { status: request.status, ...(resolving ? { resolvedAt: now } : {}), ...(request.publicTitle ? { publicTitle: request.publicTitle } : {}) } });
    if (resolving) await tx.incidentService.updateMany({ where: { incidentId: id }, data: { openForServiceId: null } });
    await tx.incidentUpdate.create({ data: { incidentId: id, status: request.status, note: request.note, authorType: "user", authorId: actor.userId, authorLabel: actor.email, at: now, publicNote: request.publicNote ?? null } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "incident.status",
      target: { type: "incident", id },
      serviceId: incident.services[0]?.serviceId ?? null,
      reason: request.note,
      before: { status: incident.status },
      after: { status: request.status },
      details: {
        rule: decision.rule,
        ruleSentence: decision.sentence,
        services: incident.services.map((service) => service.serviceId),
        ...(post ? { statusPage: { rule: post.id, title: request.publicTitle ?? incident.publicTitle, note: request.publicNote ?? null } } : {}),
      },
    });
  });
  if (posting) forgetStatusPage();
  return incidentView(id);
}

/** The users named by email, by their ids; 400 naming the field of the first unknown one. */
async function userIdsOf(tx: Tx, request: { commander?: string | null; addResponders?: string[]; removeResponders?: string[] }) {
  const emails = [...(request.commander ? [request.commander] : []), ...(request.addResponders ?? []), ...(request.removeResponders ?? [])];
  // Emails are stored lower-cased.
  const users = await tx.user.findMany({ where: { email: { in: emails.map((email) => email.toLowerCase()) } }, select: { id: true, email: true, disabled: true } });
  const byEmail = new Map(users.map((user) => [user.email, user]));
  const idOf = (email: string, field: string) => {
    const user = byEmail.get(email.toLowerCase());
    if (!user) throw new ValidationError(`${field}: no user ${email}`, field);
    if (user.disabled) throw new ValidationError(`${field}: ${email} is disabled`, field);
    return user.id;
  };
  const roleRequest: RoleRequest = {
    ...(request.commander !== undefined ? { commander: request.commander === null ? null : idOf(request.commander, "commander") } : {}),
    addResponders: (request.addResponders ?? []).map((email, index) => idOf(email, `addResponders.${index}`)),
    removeResponders: (request.removeResponders ?? []).map((email, index) => idOf(email, `removeResponders.${index}`)),
  };
  return { roleRequest, emailOf: new Map(users.map((user) => [user.id, user.email])) };
}

/** Assigns or changes the commander and the responders, as core/incidents/incident-roles decides; audited with each change's sentence. */
export async function changeIncidentRoles(
  actor: UserActor,
  id: string,
  request: { commander?: string | null; addResponders?: string[]; removeResponders?: string[]; note?: string },
): Promise<IncidentView> {
  await db().$transaction(async (tx) => {
    const incident = await lockedIncident(tx, id);
    const { roleRequest, emailOf } = await userIdsOf(tx, request);
    const held = [incident.commanderId, ...incident.responderIds].filter((userId): userId is string => userId !== null);
    const heldUsers = await tx.user.findMany({ where: { id: { in: held } }, select: { id: true, email: true } });
    for (const user of heldUsers) emailOf.set(user.id, user.email);
    const name = (userId: string | null) => (userId === null ? null : (emailOf.get(userId) ?? userId));
    const decision = decideRoles(incident.status, { commanderId: incident.commanderId, responderIds: incident.responderIds }, roleRequest);
    if (!decision.ok) throw new ConflictError(`Incident ${id}: ${roleSentence(decision.rule, name(decision.userId), null)}`, decision.rule === "nothing-changes" ? undefined : "roles");
    await tx.incident.update({ where: { id }, data: { commanderId: decision.after.commanderId, responderIds: [...decision.after.responderIds] } });
    const changes = decision.changes.map((change) => ({ rule: change.rule, user: name(change.userId), previous: name(change.previousId), sentence: roleSentence(change.rule, name(change.userId), name(change.previousId)) }));
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "incident.roles",
      target: { type: "incident", id },
      serviceId: incident.services[0]?.serviceId ?? null,
      reason: request.note?.length ? request.note : changes.map((change) => change.sentence).join(" "),
      before: { commander: name(incident.commanderId), responders: incident.responderIds.map(name) },
      after: { commander: name(decision.after.commanderId), responders: decision.after.responderIds.map(name) },
      details: { changes },
    });
  });
  return incidentView(id);
}
