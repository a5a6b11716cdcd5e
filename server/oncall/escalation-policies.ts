import "server-only";
import type { z } from "zod";
import type { createEscalationPolicyRequestSchema, EscalationPolicyView, escalationLevelSchema, updateEscalationPolicyRequestSchema } from "@/contracts/oncall";
import { onCallAt } from "@/core/oncall/on-call-schedule";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { peopleById, userIdsByEmail } from "./people";
import { scheduleOf, storedSchedules } from "./schedule-view";
import { policyOf, type StoredLevels } from "./stored-policy";

type CreatePolicy = z.output<typeof createEscalationPolicyRequestSchema>;
type UpdatePolicy = z.output<typeof updateEscalationPolicyRequestSchema>;
type LevelRequest = z.output<typeof escalationLevelSchema>;

/** The one value `defaultScope` holds on the default policy (its unique index allows one). */
const DEFAULT_SCOPE = "default";

/** The request's levels as stored: each email the id of an active account, each schedule one that exists; refused naming the field otherwise. */
async function storedLevels(tx: Tx, levels: readonly LevelRequest[]): Promise<StoredLevels> {
  const scheduleIds = new Set((await tx.onCallSchedule.findMany({ select: { id: true } })).map((row) => row.id));
  const stored: StoredLevels = [];
  for (const [levelIndex, level] of levels.entries()) {
    const targets: StoredLevels[number]["targets"] = [];
    for (const [targetIndex, target] of level.targets.entries()) {
      const field = `levels.${levelIndex}.targets.${targetIndex}`;
      if (target.type === "schedule") {
        if (!scheduleIds.has(target.scheduleId)) throw new ValidationError(`${field}.scheduleId: no on-call schedule has the id ${target.scheduleId}.`, `${field}.scheduleId`);
        targets.push({ type: "schedule", scheduleId: target.scheduleId });
      } else {
        const [userId] = await userIdsByEmail(tx, [target.email], () => `${field}.email`);
        targets.push({ type: "user", userId: userId! });
      }
    }
    stored.push({ timeoutMinutes: level.timeoutMinutes, targets });
  }
  return stored;
}

async function nameFree(tx: Tx, name: string, except: string | null): Promise<void> {
  const taken = await tx.escalationPolicy.findUnique({ where: { name }, select: { id: true } });
  if (taken && taken.id !== except) throw new ConflictError(`name: an escalation policy is already called "${name}".`, "name");
}

/** Making a policy the default unmakes the previous one (audited on the new one's event). */
async function takeDefault(tx: Tx, id: string | null): Promise<string | null> {
  const previous = await tx.escalationPolicy.findUnique({ where: { defaultScope: DEFAULT_SCOPE }, select: { id: true, name: true } });
  if (previous && previous.id !== id) await tx.escalationPolicy.update({ where: { id: previous.id }, data: { defaultScope: null } });
  return previous && previous.id !== id ? previous.name : null;
}

export async function createEscalationPolicy(actor: UserActor, request: CreatePolicy): Promise<EscalationPolicyView> {
  const id = await db().$transaction(async (tx) => {
    await nameFree(tx, request.name, null);
    const levels = await storedLevels(tx, request.levels);
    const replacedDefault = request.isDefault ? await takeDefault(tx, null) : null;
    const row = await tx.escalationPolicy.create({ data: { name: request.name, levels, defaultScope: request.isDefault ? DEFAULT_SCOPE : null } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "escalation_policy.create",
      target: { type: "escalation_policy", id: row.id },
      after: { name: row.name, isDefault: request.isDefault, levels },
      details: replacedDefault ? { replacedDefault } : undefined,
    });
    return row.id;
  });
  return escalationPolicyView(id);
}

async function lockedPolicy(tx: Tx, id: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "EscalationPolicy" WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new NotFoundError(`No escalation policy with id ${id}.`);
  return tx.escalationPolicy.findUniqueOrThrow({ where: { id } });
}

export async function updateEscalationPolicy(actor: UserActor, id: string, request: UpdatePolicy): Promise<EscalationPolicyView> {
  await db().$transaction(async (tx) => {
    const before = await lockedPolicy(tx, id);
    if (request.name !== undefined) await nameFree(tx, request.name, id);
    const levels = request.levels ? await storedLevels(tx, request.levels) : undefined;
    const replacedDefault = request.isDefault ? await takeDefault(tx, id) : null;
    const after = await tx.escalationPolicy.update({
      where: { id },
      data: { name: request.name, levels, ...(request.isDefault === undefined ? {} : { defaultScope: request.isDefault ? DEFAULT_SCOPE : null }) },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "escalation_policy.update",
      target: { type: "escalation_policy", id },
      before: { name: before.name, isDefault: before.defaultScope !== null, levels: before.levels },
      after: { name: after.name, isDefault: after.defaultScope !== null, levels: after.levels },
      details: replacedDefault ? { replacedDefault } : undefined,
    });
  });
  return escalationPolicyView(id);
}

/** Its services fall back to the default policy (the store sets their policy to null), which the audit event lists. */
export async function deleteEscalationPolicy(actor: UserActor, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await lockedPolicy(tx, id);
    const services = await tx.service.findMany({ where: { escalationPolicyId: id }, select: { id: true } });
    await tx.escalationPolicy.delete({ where: { id } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "escalation_policy.delete",
      target: { type: "escalation_policy", id },
      before: { name: before.name, isDefault: before.defaultScope !== null, levels: before.levels },
      details: { servicesNowOnTheDefault: services.map((service) => service.id) },
    });
  });
}

export async function assignEscalationPolicy(actor: UserActor, serviceId: string, policyId: string | null) {
  return db().$transaction(async (tx) => {
    const service = await tx.service.findUnique({ where: { id: serviceId }, select: { id: true, retiredAt: true, escalationPolicy: { select: { id: true, name: true } } } });
    if (!service || service.retiredAt) throw new NotFoundError(`No service with id ${serviceId}.`);
    const policy = policyId === null ? null : await tx.escalationPolicy.findUnique({ where: { id: policyId }, select: { id: true, name: true } });
    if (policyId !== null && !policy) throw new ValidationError(`policyId: no escalation policy has the id ${policyId}.`, "policyId");
    await tx.service.update({ where: { id: serviceId }, data: { escalationPolicyId: policyId } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "escalation_policy.assign",
      target: { type: "service", id: serviceId },
      serviceId,
      before: { policy: service.escalationPolicy?.name ?? null },
      after: { policy: policy?.name ?? null },
    });
    const fallback = policy ?? (await tx.escalationPolicy.findUnique({ where: { defaultScope: DEFAULT_SCOPE }, select: { id: true, name: true } }));
    return { serviceId, policy: fallback, inherited: policy === null };
  });
}

/** The policy that pages for each service: its own, else the default; null where there is neither. */
export async function policyRowsByService(serviceIds: readonly (string | null)[]) {
  const [services, fallback] = await Promise.all([
    db().service.findMany({ where: { id: { in: serviceIds.filter((id): id is string => id !== null) } }, select: { id: true, escalationPolicy: true } }),
    db().escalationPolicy.findUnique({ where: { defaultScope: DEFAULT_SCOPE } }),
  ]);
  const own = new Map(services.map((service) => [service.id, service.escalationPolicy]));
  return (serviceId: string | null) => (serviceId === null ? null : own.get(serviceId)) ?? fallback;
}

export async function listEscalationPolicies(now = new Date()): Promise<EscalationPolicyView[]> {
  const rows = await db().escalationPolicy.findMany({ orderBy: { name: "asc" }, include: { services: { select: { id: true }, where: { retiredAt: null } } } });
  const policies = rows.map((row) => ({ row, policy: policyOf(row) }));
  const schedules = new Map((await storedSchedules(now)).map((row) => [row.id, scheduleOf(row)]));
  const userIds = policies.flatMap(({ policy }) => policy.levels.flatMap((level) => level.targets.flatMap((target) => (target.type === "user" ? [target.userId] : []))));
  const people = await peopleById([...userIds, ...[...schedules.values()].flatMap((schedule) => onCallAt(schedule, now).userIds)]);
  return policies.map(({ row, policy }) => ({
    id: row.id,
    name: row.name,
    isDefault: row.defaultScope !== null,
    services: row.services.map((service) => service.id),
    levels: policy.levels.map((level) => ({
      timeoutMinutes: level.timeoutMinutes,
      targets: level.targets.map((target) => {
        if (target.type === "user") return { type: "user" as const, person: people.get(target.userId)! };
        const schedule = schedules.get(target.scheduleId);
        return {
          type: "schedule" as const,
          scheduleId: target.scheduleId,
          name: schedule?.name ?? target.scheduleId,
          onCallNow: schedule ? onCallAt(schedule, now).userIds.map((id) => people.get(id)!) : [],
        };
      }),
    })),
  }));
}

async function escalationPolicyView(id: string): Promise<EscalationPolicyView> {
  const view = (await listEscalationPolicies()).find((policy) => policy.id === id);
  if (!view) throw new NotFoundError(`No escalation policy with id ${id}.`);
  return view;
}
