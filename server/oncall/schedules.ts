import "server-only";
import type { z } from "zod";
import type { createOverrideRequestSchema, createScheduleRequestSchema, ScheduleView, updateScheduleRequestSchema } from "@/contracts/oncall";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../errors";
import { userIdsByEmail } from "./people";
import { getSchedule, policiesBySchedule } from "./schedule-view";

type CreateSchedule = z.output<typeof createScheduleRequestSchema>;
type UpdateSchedule = z.output<typeof updateScheduleRequestSchema>;
type CreateOverride = z.output<typeof createOverrideRequestSchema>;

const COVERAGE_DAYS = 14;

async function nameFree(tx: Tx, name: string, except: string | null): Promise<void> {
  const taken = await tx.onCallSchedule.findUnique({ where: { name }, select: { id: true } });
  if (taken && taken.id !== except) throw new ConflictError(`name: an on-call schedule is already called "${name}".`, "name");
}

const auditedFields = (row: { name: string; timeZone: string; period: string; startDate: string; handoffTime: string; people: string[] }) => ({
  name: row.name,
  timeZone: row.timeZone,
  period: row.period,
  startDate: row.startDate,
  handoffTime: row.handoffTime,
  people: row.people,
});

export async function createSchedule(actor: UserActor, request: CreateSchedule): Promise<ScheduleView> {
  const id = await db().$transaction(async (tx) => {
    await nameFree(tx, request.name, null);
    const people = await userIdsByEmail(tx, request.people, (index) => `people.${index}`);
    const row = await tx.onCallSchedule.create({ data: { ...request, people } });
    await appendAuditEvent(tx, { actor: auditActorOf(actor), action: "oncall_schedule.create", target: { type: "oncall_schedule", id: row.id }, after: auditedFields(row) });
    return row.id;
  });
  return getSchedule(id, COVERAGE_DAYS);
}

async function lockedSchedule(tx: Tx, id: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "OnCallSchedule" WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new NotFoundError(`No on-call schedule with id ${id}.`);
  return tx.onCallSchedule.findUniqueOrThrow({ where: { id } });
}

export async function updateSchedule(actor: UserActor, id: string, request: UpdateSchedule): Promise<ScheduleView> {
  await db().$transaction(async (tx) => {
    const before = await lockedSchedule(tx, id);
    if (request.name !== undefined) await nameFree(tx, request.name, id);
    const people = request.people ? await userIdsByEmail(tx, request.people, (index) => `people.${index}`) : undefined;
    const after = await tx.onCallSchedule.update({ where: { id }, data: { ...request, people } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "oncall_schedule.update",
      target: { type: "oncall_schedule", id },
      before: auditedFields(before),
      after: auditedFields(after),
    });
  });
  return getSchedule(id, COVERAGE_DAYS);
}

/** A schedule an escalation policy names stays: deleting it would silently empty that policy's level. */
export async function deleteSchedule(actor: UserActor, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await lockedSchedule(tx, id);
    const usedBy = (await policiesBySchedule()).get(id) ?? [];
    if (usedBy.length) throw new ConflictError(`The schedule "${before.name}" is named by the escalation policies ${usedBy.map((policy) => `"${policy.name}"`).join(", ")}; take it out of them first.`);
    await tx.onCallSchedule.delete({ where: { id } });
    await appendAuditEvent(tx, { actor: auditActorOf(actor), action: "oncall_schedule.delete", target: { type: "oncall_schedule", id }, before: auditedFields(before) });
  });
}

export async function createOverride(actor: UserActor, scheduleId: string, request: CreateOverride): Promise<ScheduleView> {
  await db().$transaction(async (tx) => {
    const schedule = await lockedSchedule(tx, scheduleId);
    const [userId] = await userIdsByEmail(tx, [request.email], () => "email");
    const override = await tx.onCallOverride.create({
      data: { scheduleId, userId: userId!, startsAt: new Date(request.startsAt), endsAt: new Date(request.endsAt), reason: request.reason, createdBy: actor.email },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "oncall_override.create",
      target: { type: "oncall_schedule", id: scheduleId },
      reason: request.reason,
      after: { override: override.id, schedule: schedule.name, person: request.email, startsAt: override.startsAt.toISOString(), endsAt: override.endsAt.toISOString() },
    });
  });
  return getSchedule(scheduleId, COVERAGE_DAYS);
}

export async function deleteOverride(actor: UserActor, scheduleId: string, overrideId: string): Promise<ScheduleView> {
  await db().$transaction(async (tx) => {
    const schedule = await lockedSchedule(tx, scheduleId);
    const override = await tx.onCallOverride.findFirst({ where: { id: overrideId, scheduleId } });
    if (!override) throw new NotFoundError(`The schedule "${schedule.name}" has no override with id ${overrideId}.`);
    await tx.onCallOverride.delete({ where: { id: overrideId } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "oncall_override.delete",
      target: { type: "oncall_schedule", id: scheduleId },
      before: { override: override.id, schedule: schedule.name, userId: override.userId, startsAt: override.startsAt.toISOString(), endsAt: override.endsAt.toISOString(), reason: override.reason },
    });
  });
  return getSchedule(scheduleId, COVERAGE_DAYS);
}
