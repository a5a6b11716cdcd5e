import "server-only";
import type { CreateSilenceRequest, SilenceList, SilenceView } from "@/contracts/silences";
import type { AlertRuleId } from "@/core/alerts/alert-rules";
import { silenceProblem, silenceState, type ServiceLabels, type Silence } from "@/core/alerts/silences";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Silence as SilenceRow } from "../db/generated/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { mutingNow, type MutingNow } from "./alert-muting";

const RECENT = 50;

const silenceOfRow = (row: SilenceRow): Silence & Pick<SilenceRow, "createdAt" | "expiredBy"> => ({ ...row, ruleId: row.ruleId as AlertRuleId | null, labels: (row.labels ?? {}) as ServiceLabels });

function silenceView(silence: Silence & Pick<SilenceRow, "createdAt" | "expiredBy">, muting: MutingNow | null, now: Date): SilenceView {
  const state = silenceState(silence, now);
  return {
    id: silence.id,
    serviceId: silence.serviceId,
    ruleId: silence.ruleId,
    labels: { ...silence.labels },
    reason: silence.reason,
    startsAt: silence.startsAt.toISOString(),
    endsAt: silence.endsAt.toISOString(),
    createdBy: silence.createdBy,
    createdAt: silence.createdAt.toISOString(),
    expiredAt: silence.expiredAt?.toISOString() ?? null,
    expiredBy: silence.expiredBy,
    state,
    mutes:
      muting && state === "active"
        ? muting.mutedBy(silence).map((alert) => ({ id: alert.id, ruleId: alert.ruleId as AlertRuleId, serviceId: alert.serviceId, subject: alert.subjectLabel, state: alert.state === "firing" ? "firing" : "pending" }))
        : [],
  };
}

const matcherOf = (silence: Pick<Silence, "serviceId" | "ruleId" | "labels">) => ({ serviceId: silence.serviceId, ruleId: silence.ruleId, labels: silence.labels });

/**
 * Silences alerts matching a service, a rule and/or labels from `startsAt`
 * (now unless said) until `endsAt`: refused, writing nothing, when it names
 * no matcher, no expiry, an expiry out of bounds, or matches nothing the
 * fleet has (core/alerts/silences.ts, SILENCE_CHECKS). Audited.
 */
export async function createSilence(actor: UserActor, request: CreateSilenceRequest, now = new Date()): Promise<SilenceView> {
  const silence = await db().$transaction(async (tx) => {
    const services = await tx.service.findMany({ where: { retiredAt: null }, select: { id: true, labels: true } });
    const matcher = { serviceId: request.serviceId ?? null, ruleId: request.ruleId ?? null, labels: request.labels ?? {} };
    const startsAt = request.startsAt ? new Date(request.startsAt) : now;
    const endsAt = request.endsAt ? new Date(request.endsAt) : null;
    const problem = silenceProblem({ ...matcher, startsAt, endsAt }, new Map(services.map((service) => [service.id, (service.labels ?? {}) as ServiceLabels])), now);
    if (problem) throw new ValidationError(problem.message, problem.field);
    const created = await tx.silence.create({ data: { ...matcher, startsAt, endsAt: endsAt!, reason: request.reason, createdBy: actor.email } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "silence.create",
      target: { type: "silence", id: created.id },
      serviceId: created.serviceId,
      reason: request.reason,
      after: { ...matcher, startsAt: startsAt.toISOString(), endsAt: endsAt!.toISOString() },
    });
    return created;
  });
  return silenceView(silenceOfRow(silence), await mutingNow(now), now);
}

/** Ends a silence before its end: the alerts it muted are announced at the next evaluation if they still fire. Audited. */
export async function expireSilence(actor: UserActor, silenceId: string, now = new Date()): Promise<SilenceView> {
  const expired = await db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Silence" WHERE id = ${silenceId} FOR UPDATE`;
    if (!locked) throw new NotFoundError(`No silence with id ${silenceId}.`);
    const silence = await tx.silence.findUniqueOrThrow({ where: { id: silenceId } });
    if (silence.expiredAt) throw new ConflictError(`Silence ${silenceId} was already expired by ${silence.expiredBy} at ${silence.expiredAt.toISOString()}.`);
    if (silence.endsAt <= now) throw new ConflictError(`Silence ${silenceId} ended at ${silence.endsAt.toISOString()}; there is nothing to expire.`);
    const updated = await tx.silence.update({ where: { id: silenceId }, data: { expiredAt: now, expiredBy: actor.email } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "silence.expire",
      target: { type: "silence", id: silenceId },
      serviceId: silence.serviceId,
      before: { ...matcherOf(silenceOfRow(silence)), endsAt: silence.endsAt.toISOString(), reason: silence.reason },
      after: { expiredAt: now.toISOString() },
    });
    return updated;
  });
  return silenceView(silenceOfRow(expired), null, now);
}

/** The silences not over yet, each with the open alerts it mutes now, and the most recently ended. */
export async function listSilences(now = new Date()): Promise<SilenceList> {
  const [muting, active, expired] = await Promise.all([
    mutingNow(now),
    db().silence.findMany({ where: { expiredAt: null, endsAt: { gt: now } }, orderBy: [{ endsAt: "asc" }, { id: "asc" }] }),
    db().silence.findMany({ where: { OR: [{ expiredAt: { not: null } }, { endsAt: { lte: now } }] }, orderBy: { endsAt: "desc" }, take: RECENT }),
  ]);
  return {
    active: active.map((row) => silenceView(silenceOfRow(row), muting, now)),
    expired: expired.map((row) => silenceView(silenceOfRow(row), null, now)),
    generatedAt: now.toISOString(),
  };
}
