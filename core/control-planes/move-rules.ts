/**
 * When a client of several control-plane copies (an agent, the CLI, the lab)
 * moves to the next copy, and whether it sends the same request again there.
 * Every copy shares one store, so an answer a copy gave on purpose (a 4xx) is
 * what any other copy would say: only a copy that is gone, broken or too slow
 * is left. Sending a change again is safe only where the first copy surely
 * never received it, or where the request is idempotent (an agent's report
 * batch is stored exactly once by its sequence numbers; a lease renewal, a
 * command poll or result and every read can be repeated).
 */

/** What came of one request to one copy. */
export type RequestOutcome =
  | { kind: "answer"; status: number }
  /** Node's error code where there is one (ECONNREFUSED…), else the error's message. */
  | { kind: "error"; code: string | null; message: string }
  | { kind: "timeout" };

export type FailureKind = "answered" | "busy" | "not-reached" | "server-error" | "timed-out" | "connection-lost";

/** Error codes that say the request never reached a server: nothing was received, so anything may be sent again. */
const NOT_REACHED_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];

/** The kind of one outcome (which row of MOVE_RULES applies). */
export function failureKind(outcome: RequestOutcome): FailureKind {
  if (outcome.kind === "timeout") return "timed-out";
  if (outcome.kind === "error") return outcome.code !== null && NOT_REACHED_CODES.includes(outcome.code) ? "not-reached" : "connection-lost";
  if (outcome.status === 429) return "busy";
  if (outcome.status >= 500) return "server-error";
  return "answered";
}

export type Resend = "any" | "idempotent" | "none";

export interface MoveRule {
  /** Stable: logs and tests name it. */
  id: string;
  when: FailureKind;
  /** Whether later requests go to the next copy. */
  move: boolean;
  /** Which requests are sent again at once to the next copy: any, only idempotent ones, or none (the caller reports the failure or backs off). */
  resend: Resend;
  sentence: string;
}

/** One row per kind of outcome; first match wins (each kind has exactly one row). */
export const MOVE_RULES: readonly MoveRule[] = [
  {
    id: "stay-on-answer",
    when: "answered",
    move: false,
    resend: "none",
    sentence: "The copy answered (2xx, 3xx or 4xx): every copy reads the same store and would answer the same, so the client stays and takes the answer.",
  },
  {
    id: "stay-when-busy",
    when: "busy",
    move: false,
    resend: "none",
    sentence: "The copy answered 429: it is alive and asks the client to slow down, which moving to another copy would only spread.",
  },
  {
    id: "move-when-not-reached",
    when: "not-reached",
    move: true,
    resend: "any",
    sentence: "No copy received the request (connection refused, no such host, no route): the client moves to the next copy and sends it there, change or not.",
  },
  {
    id: "move-on-server-error",
    when: "server-error",
    move: true,
    resend: "idempotent",
    sentence: "The copy answered 5xx (broken, shutting down, or a proxy without it): the client moves on, sending again only what is safe to repeat, since a change may have been carried out.",
  },
  {
    id: "move-on-timeout",
    when: "timed-out",
    move: true,
    resend: "idempotent",
    sentence: "No answer in time (a copy stopped, or its host gone without a reset): the client moves on, sending again only what is safe to repeat.",
  },
  {
    id: "move-on-lost-connection",
    when: "connection-lost",
    move: true,
    resend: "idempotent",
    sentence: "The connection broke after the request was sent (reset, closed mid-answer): the client moves on, sending again only what is safe to repeat.",
  },
];

export interface MoveDecision {
  rule: MoveRule;
  move: boolean;
  /** Whether this same request is sent to the next copy now. */
  resend: boolean;
}

/** What a client does after `outcome` of a request (`idempotent`: safe to repeat), with `copies` control-plane URLs. */
export function decideMove(outcome: RequestOutcome, idempotent: boolean, copies: number): MoveDecision {
  const kind = failureKind(outcome);
  const rule = MOVE_RULES.find((row) => row.when === kind)!;
  // With one copy there is nowhere to move: the caller's own retry (backoff) applies.
  const move = rule.move && copies > 1;
  return { rule, move, resend: move && (rule.resend === "any" || (rule.resend === "idempotent" && idempotent)) };
}

/** The copy after `index` in the list, wrapping around. */
export function nextCopy(index: number, copies: number): number {
  return (index + 1) % copies;
}

/**
 * The control-plane URLs from a comma-separated list (SWITCHYARD_URL, an
 * agent's `--control-plane`): trimmed, without trailing slashes, each once,
 * in the order given (the first is tried first). Refused, with the reason,
 * when one is not an http(s) URL or none is named.
 */
export function parseControlPlaneUrls(text: string): { ok: true; urls: string[] } | { ok: false; error: string } {
  const urls: string[] = [];
  for (const part of text.split(",").map((entry) => entry.trim())) {
    if (part === "") continue;
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      return { ok: false, error: `"${part}" is not a URL` };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, error: `"${part}" must be an http:// or https:// URL` };
    const normal = part.replace(/\/+$/, "");
    if (!urls.includes(normal)) urls.push(normal);
  }
  return urls.length ? { ok: true, urls } : { ok: false, error: "name at least one control-plane URL" };
}

/** The first of a list of control-plane URLs: the one requests are built on (the list as it came when it does not parse). */
export function firstControlPlaneUrl(text: string): string {
  const parsed = parseControlPlaneUrls(text);
  return parsed.ok ? parsed.urls[0]! : text;
}
