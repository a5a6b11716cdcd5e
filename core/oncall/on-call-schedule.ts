import { addDays, daysBetween, instantOf, localAt } from "./zoned-time";

export const ROTATION_PERIODS = { daily: 1, weekly: 7 } as const;
export type RotationPeriod = keyof typeof ROTATION_PERIODS;

/**
 * A rotation of people: each takes over from the one before at `handoffTime`
 * on the wall clock of `timeZone`, every day or every week from `startDate`
 * (whose weekday is a weekly rotation's handoff day). The wall clock, not
 * 24-hour steps: a 09:00 handoff stays at 09:00 when the clocks change.
 */
export interface Rotation {
  timeZone: string;
  period: RotationPeriod;
  /** `YYYY-MM-DD`, local: the day of the first handoff; before it nobody is on call. */
  startDate: string;
  /** `HH:MM`, local. */
  handoffTime: string;
  /** User ids, in the order they take over. */
  people: readonly string[];
}

/** A person covering a range of the schedule instead of whoever the rotation says (`endsAt` excluded). */
export interface Override {
  id: string;
  userId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface OnCallSchedule extends Rotation {
  id: string;
  name: string;
  overrides: readonly Override[];
}

/** Who is on call at an instant, and why: an override, the rotation, or nobody (before the rotation starts). */
export interface OnCall {
  userIds: string[];
  source: "override" | "rotation" | "nobody";
}

const parseDate = (date: string) => {
  const [year = 0, month = 0, day = 0] = date.split("-").map(Number);
  return { year, month, day };
};
const parseTime = (time: string) => {
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  return { hour, minute };
};

/** The instant of the rotation's `index`-th handoff (0: the first). */
export function handoffAt(rotation: Rotation, index: number): Date {
  return instantOf({ ...addDays(parseDate(rotation.startDate), index * ROTATION_PERIODS[rotation.period]), ...parseTime(rotation.handoffTime) }, rotation.timeZone);
}

/** Which shift holds `at` (the last handoff at or before it), or null before the first. */
export function shiftIndexAt(rotation: Rotation, at: Date): number | null {
  if (at < handoffAt(rotation, 0)) return null;
  const local = localAt(at.getTime(), rotation.timeZone);
  let index = Math.max(0, Math.floor(daysBetween(parseDate(rotation.startDate), local) / ROTATION_PERIODS[rotation.period]));
  while (index > 0 && handoffAt(rotation, index) > at) index -= 1;
  while (handoffAt(rotation, index + 1) <= at) index += 1;
  return index;
}

/** Whom the rotation alone puts on call for shift `index`. */
const personOfShift = (rotation: Rotation, index: number) => rotation.people[index % rotation.people.length] ?? null;

/** Who is on call at `at`: overrides covering it win over the rotation; overlapping overrides put several people on call. */
export function onCallAt(schedule: OnCallSchedule, at: Date): OnCall {
  const covering = schedule.overrides.filter((override) => override.startsAt <= at && at < override.endsAt).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  if (covering.length) return { userIds: [...new Set(covering.map((override) => override.userId))], source: "override" };
  const index = shiftIndexAt(schedule, at);
  const person = index === null ? null : personOfShift(schedule, index);
  return person === null ? { userIds: [], source: "nobody" } : { userIds: [person], source: "rotation" };
}

/** A stretch of time with the same people on call; `gap` is nobody, `overlap` several. */
export interface CoverageSegment {
  startsAt: Date;
  endsAt: Date;
  userIds: string[];
  kind: "rotation" | "override" | "gap" | "overlap";
}

const kindOf = ({ userIds, source }: OnCall): CoverageSegment["kind"] => (userIds.length === 0 ? "gap" : userIds.length > 1 ? "overlap" : source === "override" ? "override" : "rotation");
const sameSegment = (a: CoverageSegment, b: CoverageSegment) => a.kind === b.kind && a.userIds.join() === b.userIds.join();

/**
 * Who is on call from `from` until `until`, as consecutive segments: gaps
 * and overlaps are segments like any other, shown rather than refused.
 */
export function coverage(schedule: OnCallSchedule, from: Date, until: Date): CoverageSegment[] {
  const points = new Set<number>([from.getTime(), until.getTime()]);
  const first = shiftIndexAt(schedule, from);
  for (let index = first === null ? 0 : first + 1; ; index += 1) {
    const at = handoffAt(schedule, index).getTime();
    if (at >= until.getTime()) break;
    if (at > from.getTime()) points.add(at);
  }
  for (const override of schedule.overrides) {
    for (const at of [override.startsAt.getTime(), override.endsAt.getTime()]) if (at > from.getTime() && at < until.getTime()) points.add(at);
  }
  const sorted = [...points].sort((a, b) => a - b);
  const segments: CoverageSegment[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const startsAt = new Date(sorted[i]!);
    const onCall = onCallAt(schedule, startsAt);
    const segment: CoverageSegment = { startsAt, endsAt: new Date(sorted[i + 1]!), userIds: onCall.userIds, kind: kindOf(onCall) };
    const previous = segments.at(-1);
    if (previous && sameSegment(previous, segment)) previous.endsAt = segment.endsAt;
    else segments.push(segment);
  }
  return segments;
}

/** A change of who is on call: the handoffs people need to know about. */
export interface Handoff {
  at: Date;
  fromUserIds: string[];
  toUserIds: string[];
}

/** The next `count` changes of who is on call after `from`, looking no further than `horizonDays`. */
export function nextHandoffs(schedule: OnCallSchedule, from: Date, count: number, horizonDays = 366): Handoff[] {
  const segments = coverage(schedule, from, new Date(from.getTime() + horizonDays * 86_400_000));
  return segments.slice(1, count + 1).map((segment, index) => ({ at: segment.startsAt, fromUserIds: segments[index]!.userIds, toUserIds: segment.userIds }));
}
