import "server-only";
import type { ScheduleView } from "@/contracts/oncall";
import { coverage, nextHandoffs, onCallAt, type OnCallSchedule } from "@/core/oncall/on-call-schedule";
import { formatInZone } from "@/core/oncall/zoned-time";
import { db } from "../db/client";
import type { OnCallOverride, OnCallSchedule as ScheduleRow } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { peopleById, type Person } from "./people";
import { policyOf, schedulesOf } from "./stored-policy";

export type StoredSchedule = ScheduleRow & { overrides: OnCallOverride[] };

/** The stored schedule as the core reads it. */
export function scheduleOf(row: StoredSchedule): OnCallSchedule {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    period: row.period,
    startDate: row.startDate,
    handoffTime: row.handoffTime,
    people: row.people,
    overrides: row.overrides.map((override) => ({ id: override.id, userId: override.userId, startsAt: override.startsAt, endsAt: override.endsAt })),
  };
}

/** Schedules by id with their overrides still to come or under way at `now` (past ones cannot put anyone on call). */
export async function storedSchedules(now: Date, ids?: readonly string[]): Promise<StoredSchedule[]> {
  return db().onCallSchedule.findMany({
    where: ids ? { id: { in: [...ids] } } : {},
    include: { overrides: { where: { endsAt: { gt: now } }, orderBy: { startsAt: "asc" } } },
    orderBy: { name: "asc" },
  });
}

/** Which policies name which schedules, from the policies' levels. */
export async function policiesBySchedule(): Promise<Map<string, { id: string; name: string }[]>> {
  const policies = await db().escalationPolicy.findMany({ select: { id: true, name: true, levels: true }, orderBy: { name: "asc" } });
  const usedBy = new Map<string, { id: string; name: string }[]>();
  for (const row of policies) {
    for (const id of schedulesOf(policyOf(row))) usedBy.set(id, [...(usedBy.get(id) ?? []), { id: row.id, name: row.name }]);
  }
  return usedBy;
}

function view(row: StoredSchedule, people: Map<string, Person>, usedBy: Map<string, { id: string; name: string }[]>, now: Date, days: number): ScheduleView {
  const schedule = scheduleOf(row);
  const person = (id: string) => people.get(id)!;
  const when = (at: Date) => ({ at: at.toISOString(), local: formatInZone(at, row.timeZone) });
  const onCall = onCallAt(schedule, now);
  const segments = coverage(schedule, now, new Date(now.getTime() + days * 86_400_000));
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    period: row.period,
    startDate: row.startDate,
    handoffTime: row.handoffTime,
    people: row.people.map(person),
    overrides: row.overrides.map((override) => ({
      id: override.id,
      person: person(override.userId),
      startsAt: when(override.startsAt),
      endsAt: when(override.endsAt),
      reason: override.reason,
      createdBy: override.createdBy,
    })),
    onCallNow: { people: onCall.userIds.map(person), source: onCall.source },
    nextHandoffs: nextHandoffs(schedule, now, 5, days).map((handoff) => ({
      at: when(handoff.at),
      from: handoff.fromUserIds.map(person),
      to: handoff.toUserIds.map(person),
      toLocal: handoff.toUserIds.flatMap((id) => {
        const zone = person(id).timeZone;
        return zone ? [`${person(id).email}: ${formatInZone(handoff.at, zone)}`] : [];
      }),
    })),
    coverage: segments.map((segment) => ({ startsAt: when(segment.startsAt), endsAt: when(segment.endsAt), people: segment.userIds.map(person), kind: segment.kind })),
    gaps: segments.filter((segment) => segment.kind === "gap").length,
    overlaps: segments.filter((segment) => segment.kind === "overlap").length,
    usedBy: usedBy.get(row.id) ?? [],
  };
}

export async function listSchedules(days: number, now = new Date()): Promise<ScheduleView[]> {
  const rows = await storedSchedules(now);
  const people = await peopleById(rows.flatMap((row) => [...row.people, ...row.overrides.map((override) => override.userId)]));
  const usedBy = await policiesBySchedule();
  return rows.map((row) => view(row, people, usedBy, now, days));
}

export async function getSchedule(id: string, days: number, now = new Date()): Promise<ScheduleView> {
  const [row] = await storedSchedules(now, [id]);
  if (!row) throw new NotFoundError(`No on-call schedule with id ${id}.`);
  const people = await peopleById([...row.people, ...row.overrides.map((override) => override.userId)]);
  return view(row, people, await policiesBySchedule(), now, days);
}
