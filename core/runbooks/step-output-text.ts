import { formatBytes, formatSeconds } from "../format";
import { bigintOf, formatLsn } from "../lsn";

/** What a step's output is read with: its kind, its agent command if it has one, and the run's fence. */
export interface StepOutputInput {
  kind: string;
  /** The agent command the step (or its compensation) sent; null for other kinds. */
  command: string | null;
  output: unknown;
  /** The position the old primary was fenced at, when the run fenced one. */
  fencedLsn: string | null;
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const number = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const lsn = (value: unknown): string | null => {
  const position = typeof value === "number" ? String(value) : text(value);
  return position && /^[0-9]+$/.test(position) ? formatLsn(position) : null;
};
const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;
const took = (ms: unknown) => (number(ms) === null ? "" : ` in ${formatSeconds(number(ms)! / 1000)}`);

/**
 * The zero-loss proof, as an on-call engineer checks it: the promoted
 * position against the fence. A MariaDB promotion (its output names GTIDs)
 * compares the sequence numbers of the replication domain, so the shortfall
 * is in transactions, not bytes.
 */
function proof(promoted: unknown, fenced: string | null, gtids: boolean): string {
  const at = bigintOf(typeof promoted === "string" && /^[0-9]+$/.test(promoted) ? promoted : null);
  const fence = bigintOf(fenced);
  if (at === null || fence === null) return "";
  if (gtids) {
    return at >= fence
      ? `; GTID sequence ${at} ≥ fenced ${fence}: every write the old primary acknowledged is on it`
      : `; GTID sequence ${at} < fenced ${fence}: ${plural(Number(fence - at), "transaction")} the old primary acknowledged are NOT on it`;
  }
  return at >= fence
    ? `; replayed ${formatLsn(String(at))} ≥ fenced ${formatLsn(String(fence))}: every write the old primary acknowledged is on it`
    : `; replayed ${formatLsn(String(at))} < fenced ${formatLsn(String(fence))}: ${formatBytes(Number(fence - at))} the old primary acknowledged are NOT on it`;
}

/**
 * One sentence per replica for each agent command, from the output its
 * agent sent back (core of the run page: people read these, the raw JSON
 * stays one click away). Null when the output is not the command's shape.
 */
export const AGENT_OUTPUT_SENTENCES: Record<string, (replica: string, output: Fields, fencedLsn: string | null) => string | null> = {
  fence: (replica, output) => {
    const at = lsn(output.finalLsn);
    const gtid = text(output.finalGtid);
    const sessions = number(output.terminatedSessions);
    if (!at) return null;
    return `${replica} fenced: read-only at ${gtid === null ? at : `GTID ${gtid || "(none)"}`}${sessions === null ? "" : `, ${plural(sessions, "client session")} ended`}.`;
  },
  unfence: (replica) => `${replica} takes writes again.`,
  promote: (replica, output, fencedLsn) => {
    const at = lsn(output.lsn);
    if (!at) return null;
    if (isFields(output.gtid)) {
      const applied = text(output.gtid.applied) || "(none)";
      return `${replica} promoted with GTIDs ${applied} applied (received ${text(output.gtid.received) || "(none)"})${proof(output.lsn, fencedLsn, true)}.`;
    }
    return `${replica} promoted at ${at} on timeline ${number(output.timeline) ?? "?"}${proof(output.lsn, fencedLsn, false)}.`;
  },
  repoint: (replica, output) => {
    const host = text(output.primaryHost);
    if (!host) return null;
    const rebuilt = isFields(output.rebuilt) ? ` It was rebuilt first (${text(output.rebuilt.method) ?? "rebuilt"}): ${text(output.rebuilt.reason) ?? "it had diverged"}.` : "";
    return `${replica} streams from ${host}:${number(output.primaryPort) ?? "?"}${text(output.slotName) ? ` through slot ${text(output.slotName)}` : ""}.${rebuilt}`;
  },
  rewind: (replica, output) => {
    const method = text(output.method);
    if (!method) return null;
    const kept = text(output.formerDataKeptAt) ? ` Its former data is kept at ${text(output.formerDataKeptAt)}.` : "";
    const note = text(output.note) ? ` ${text(output.note)}` : "";
    // An engine without timelines (MariaDB) says which history it follows by its GTIDs.
    if (output.timeline === null) {
      const how = method === "following" ? "its GTIDs are all in the new primary's history; nothing to copy" : `a dump of the primary (${formatBytes(number(output.bytes) ?? 0)}) replaced its data`;
      return `${replica} rejoined as a replica: ${how}${took(output.durationMs)}.${kept}${note}`;
    }
    const how = method === "following" ? "already followed the new timeline; nothing to copy" : method === "pg_rewind" ? `pg_rewind copied ${formatBytes(number(output.bytes) ?? 0)}` : `a base backup copied ${formatBytes(number(output.bytes) ?? 0)}`;
    return `${replica} rejoined as a standby on timeline ${number(output.timeline) ?? "?"}: ${how}${took(output.durationMs)}.${kept}${note}`;
  },
  checkpoint: (replica, output) => (lsn(output.lsn) ? `${replica} checkpointed at ${lsn(output.lsn)}.` : null),
  "verify-write": (replica, output) =>
    output.accepted === true ? `${replica} accepted a write.` : output.accepted === false ? `${replica} refused a write${text(output.error) ? `: ${text(output.error)}` : ""}.` : null,
  "sync-standbys": (replica, output) => {
    const names = text(output.synchronousStandbyNames);
    if (names === null) return null;
    const streaming = Array.isArray(output.streaming) ? output.streaming.filter((name): name is string => typeof name === "string") : [];
    const waits = names ? `commits on ${replica} wait for ${names}` : `commits on ${replica} wait for no standby (none streams from it)`;
    return `${waits}; streaming: ${streaming.length ? streaming.join(", ") : "none"}.`;
  },
  script: (replica, output) => {
    const code = number(output.exitCode);
    const signal = text(output.signal);
    if (code === null && signal === null) return null;
    const last = [text(output.stdout), text(output.stderr)].flatMap((stream) => (stream ? stream.trim().split("\n").slice(-1) : [])).filter(Boolean)[0];
    return `The script on ${replica} ${code === null ? `was ended by ${signal}` : `exited with ${code}`}${took(output.durationMs)}${last ? `; last line: “${last}”` : ""}.`;
  },
};

/**
 * Where the run fenced the old primary, in the engine's notation: the fence's
 * GTID position when its agent answered with one (MariaDB, whose decimal
 * position is a sequence number no LSN notation fits), else the LSN.
 */
export function fencedAt(fencedLsn: string | null, steps: readonly { phase: string; command: string | null; output: unknown }[]): string | null {
  if (fencedLsn === null) return null;
  const fence = steps.find((step) => step.phase === "forward" && step.command === "fence" && isFields(step.output));
  const answers = fence ? Object.values(fence.output as Fields).filter(isFields) : [];
  const gtid = answers.map((answer) => text(answer.finalGtid)).find((value) => value !== null);
  return gtid === undefined ? `LSN ${formatLsn(fencedLsn)}` : `GTID ${gtid || "(none)"}`;
}

function agentSentences(command: string | null, output: Fields, fencedLsn: string | null): string[] | null {
  if (typeof output.reason === "string") return [`Nothing to do: ${output.reason}.`];
  const describe = command ? AGENT_OUTPUT_SENTENCES[command] : undefined;
  if (!describe) return null;
  const sentences = Object.entries(output).map(([replica, answer]) => (isFields(answer) ? describe(replica, answer, fencedLsn) : null));
  return sentences.every((sentence): sentence is string => sentence !== null) && sentences.length ? sentences : null;
}

function endpointSentence(output: Fields): string | null {
  const endpoint = text(output.endpoint);
  if (!endpoint) return null;
  if (text(output.unreachable)) return `${endpoint} could not be reached${took(output.durationMs)}: ${text(output.unreachable)}.`;
  const status = number(output.status);
  if (status === null) return null;
  const body = text(output.body)?.trim();
  return `${endpoint} answered ${status}${took(output.durationMs)}${body ? `: “${body.length > 200 ? `${body.slice(0, 200)}…` : body}”` : ""}.`;
}

/**
 * A step's output as sentences with formatted values (LSNs as PostgreSQL
 * writes them, durations, replica names), or null when it has no output or
 * one of a shape these do not know, for the page to show only the JSON.
 */
export function stepOutputSentences(step: StepOutputInput): string[] | null {
  const { output } = step;
  if (!isFields(output)) return null;
  switch (step.kind) {
    case "agent":
      return agentSentences(step.command, output, step.fencedLsn);
    case "check":
    case "wait":
      return text(output.sentence) ? [text(output.sentence)!] : null;
    case "manual": {
      // The engine's notes already say who answered and how ("answered by policy …", "confirmed in advance by …").
      const note = text(output.note);
      return note && typeof output.answeredBy === "string" ? [`${note[0]!.toUpperCase()}${note.slice(1)}.`] : null;
    }
    case "approval":
    case "gate":
      return text(output.reason) ? [`Skipped: ${text(output.reason)}.`] : endpointSentence(output) ? [endpointSentence(output)!] : null;
    case "http":
      return endpointSentence(output) ? [endpointSentence(output)!] : null;
    case "route": {
      const to = text(output.to);
      return to ? [`The write route moved from ${text(output.from) ?? "nowhere"} to ${to}.`] : null;
    }
    case "notify":
      return number(output.status) !== null ? [`The notification webhook accepted the message (${number(output.status)}).`] : text(output.reason) ? [`Not sent: ${text(output.reason)}.`] : null;
    default:
      return null;
  }
}
