import { UsageError } from "../usage-error";

export type LevelTarget = { type: "user"; email: string } | { type: "schedule"; scheduleId: string };

/**
 * One `--level` of `escalation-policy`: `<minutes>:<target>,<target>…`,
 * each target an email or `schedule:<id>`, e.g. `5:ada@example.com,schedule:clx1`.
 * The API checks the people and schedules; this only reads the shape.
 */
export function parseLevel(text: string): { timeoutMinutes: number; targets: LevelTarget[] } {
  const match = /^(\d+):(.*)$/.exec(text.trim());
  if (!match) throw new UsageError(`--level ${text}: write <minutes>:<email or schedule:id>,… e.g. 5:ada@example.com,schedule:clx1`);
  const targets = (match[2] ?? "")
    .split(",")
    .map((target) => target.trim())
    .filter(Boolean)
    .map((target): LevelTarget => (target.startsWith("schedule:") ? { type: "schedule", scheduleId: target.slice("schedule:".length) } : { type: "user", email: target }));
  return { timeoutMinutes: Number(match[1]), targets };
}
