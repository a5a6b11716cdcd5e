import type { SilenceList, SilenceView } from "@/contracts/silences";
import { table, utc } from "../format";

const matcherText = (silence: SilenceView) =>
  [
    silence.serviceId ? `service=${silence.serviceId}` : null,
    silence.ruleId ? `rule=${silence.ruleId}` : null,
    ...Object.entries(silence.labels).map(([key, value]) => `${key}=${value}`),
  ]
    .filter(Boolean)
    .join(" ");

const mutesText = (silence: SilenceView) => (silence.state !== "active" ? "—" : silence.mutes.length ? silence.mutes.map((alert) => `${alert.ruleId} ${alert.subject}`).join("; ") : "nothing open");

function silenceTable(silences: readonly SilenceView[]): string {
  return table(
    ["ID", "STATE", "MATCHES", "FROM (UTC)", "UNTIL (UTC)", "BY", "REASON", "MUTES NOW"],
    silences.map((silence) => [silence.id, silence.state, matcherText(silence), utc(silence.startsAt), utc(silence.expiredAt ?? silence.endsAt), silence.createdBy, silence.reason, mutesText(silence)]),
  );
}

export function renderSilences(list: SilenceList): string {
  const active = list.active.length ? silenceTable(list.active) : "No silence is active or about to start.";
  const ended = list.expired.length ? `\n\nEnded:\n${silenceTable(list.expired)}` : "";
  return `Silences (as of ${utc(list.generatedAt)})\n\n${active}${ended}`;
}

export function renderSilence(silence: SilenceView): string {
  const when = silence.state === "expired" ? `expired at ${utc(silence.expiredAt ?? silence.endsAt)}${silence.expiredBy ? ` by ${silence.expiredBy}` : ""}` : `${silence.state} from ${utc(silence.startsAt)} until ${utc(silence.endsAt)}`;
  return `Silence ${silence.id} (${matcherText(silence)}): ${when}; "${silence.reason}" by ${silence.createdBy}. Mutes now: ${mutesText(silence)}.`;
}
