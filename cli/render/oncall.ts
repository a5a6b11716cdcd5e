import type { z } from "zod";
import type { AlertEscalationView, EscalationPolicyView, escalationPolicyListSchema, ScheduleView, serviceEscalationSchema } from "@/contracts/oncall";
import { table, utc } from "../format";

type Person = ScheduleView["people"][number];
const names = (people: readonly Person[]) => people.map((person) => person.email).join(", ") || "nobody";

export function renderSchedules({ schedules }: { schedules: ScheduleView[] }): string {
  if (!schedules.length) return "No on-call schedules.";
  const rows = schedules.map((schedule) => {
    const next = schedule.nextHandoffs[0];
    return [
      schedule.id,
      schedule.name,
      `${schedule.period} ${schedule.handoffTime} ${schedule.timeZone}`,
      `${names(schedule.onCallNow.people)}${schedule.onCallNow.source === "override" ? " (override)" : ""}`,
      next ? `${utc(next.at.at)} → ${names(next.to)}` : "—",
      [schedule.gaps ? `${schedule.gaps} GAP${schedule.gaps === 1 ? "" : "S"}` : "", schedule.overlaps ? `${schedule.overlaps} overlap(s)` : ""].filter(Boolean).join(", ") || "covered",
    ];
  });
  return table(["ID", "NAME", "ROTATION", "ON CALL NOW", "NEXT HANDOFF (UTC)", "COVERAGE"], rows);
}

export function renderSchedule(schedule: ScheduleView): string {
  const lines = [
    `${schedule.name} (${schedule.id}): ${schedule.period} at ${schedule.handoffTime} ${schedule.timeZone} from ${schedule.startDate}`,
    `People: ${names(schedule.people)}`,
    `On call now: ${names(schedule.onCallNow.people)}${schedule.onCallNow.source === "override" ? " (override)" : ""}`,
    "",
    table(
      ["FROM (UTC)", "UNTIL (UTC)", "LOCAL", "ON CALL"],
      schedule.coverage.map((segment) => [
        utc(segment.startsAt.at),
        utc(segment.endsAt.at),
        `${segment.startsAt.local} → ${segment.endsAt.local}`,
        segment.kind === "gap" ? "GAP: nobody" : segment.kind === "overlap" ? `OVERLAP: ${names(segment.people)}` : names(segment.people),
      ]),
    ),
  ];
  if (schedule.overrides.length) {
    lines.push("", "Overrides:", ...schedule.overrides.map((override) => `  ${override.id}: ${override.person.email} ${utc(override.startsAt.at)} → ${utc(override.endsAt.at)} (${override.reason})`));
  }
  return lines.join("\n");
}

function levelText(level: EscalationPolicyView["levels"][number], index: number): string {
  const targets = level.targets.map((target) => (target.type === "user" ? target.person.email : `schedule "${target.name}" (now ${names(target.onCallNow)})`));
  return `  ${index + 1}. ${targets.join(", ")}; escalates after ${level.timeoutMinutes} min`;
}

export function renderPolicy(policy: EscalationPolicyView): string {
  const serves = policy.isDefault ? `default; also ${policy.services.join(", ") || "no service of its own"}` : policy.services.join(", ") || "no service";
  return [`${policy.name} (${policy.id}) — ${serves}`, ...policy.levels.map(levelText)].join("\n");
}

export function renderPolicies(list: z.infer<typeof escalationPolicyListSchema>): string {
  const policies = list.policies.length ? list.policies.map(renderPolicy).join("\n\n") : "No escalation policies: critical alerts page nobody.";
  return `${policies}\n\nAlerts of severity ${list.pageSeverity} page people.`;
}

export function renderServiceEscalation(answer: z.infer<typeof serviceEscalationSchema>): string {
  if (!answer.policy) return `${answer.serviceId} falls back to the default policy, and there is none: its critical alerts page nobody.`;
  return `${answer.serviceId} is paged by "${answer.policy.name}"${answer.inherited ? " (the default policy)" : ""}.`;
}

export function renderAlertEscalation(view: AlertEscalationView): string {
  const head = `${view.policy ? `Policy "${view.policy.name}"` : "No policy"}: ${view.now.sentence} [${view.now.rule}]`;
  if (!view.pages.length) return `${head}\nNobody paged.`;
  const rows = view.pages.map((page) => [String(page.level), page.person.email, utc(page.sentAt), page.delivery, page.problem ?? "", page.sentence]);
  return `${head}\n\n${table(["LEVEL", "PERSON", "SENT (UTC)", "DELIVERY", "PROBLEM", "WHY"], rows)}`;
}
