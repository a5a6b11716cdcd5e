import { decideMove, nextCopy, parseControlPlaneUrls, type RequestOutcome } from "@/core/control-planes/move-rules";
import { ConfigError } from "./config";
import { errorMessage } from "./error-message";
import { createHttpClient, HttpAbandonedError, HttpTimeoutError, type HttpAnswer, type HttpClient } from "./http-post";

/**
 * Which of the control-plane copies this agent talks to now, shared by its
 * report delivery, command poll and lease keeper: when one of them finds the
 * copy gone (core/control-planes/move-rules.ts), all of them move.
 */
export class ControlPlaneChoice {
  private index = 0;

  constructor(
    readonly urls: readonly string[],
    private readonly onMove: (move: { from: string; to: string; rule: string; why: string }) => void = () => {},
  ) {}

  /** From the config's `controlPlaneUrl`: one URL, or several separated by commas. */
  static of(controlPlaneUrl: string, onMove?: ControlPlaneChoice["onMove"]): ControlPlaneChoice {
    const parsed = parseControlPlaneUrls(controlPlaneUrl);
    if (!parsed.ok) throw new ConfigError(`controlPlaneUrl: ${parsed.error}`);
    return new ControlPlaneChoice(parsed.urls, onMove);
  }

  /** The URL requests are built on; the client sends them to whichever copy is current. */
  get first(): string {
    return this.urls[0]!;
  }

  get current(): number {
    return this.index;
  }

  /** Moves on from `from`, unless another request already did. */
  moveFrom(from: number, rule: string, why: string): void {
    if (this.index !== from) return;
    this.index = nextCopy(from, this.urls.length);
    this.onMove({ from: this.urls[from]!, to: this.urls[this.index]!, rule, why });
  }
}

/**
 * How a part of the agent reaches the control plane: the URL it builds
 * requests on, and a client of its own that sends them to the current copy,
 * over `inner` (a fresh plain client by default; the lease keeper's carries
 * its lease stream, which so follows the current copy).
 */
export interface ControlPlaneReach {
  controlPlaneUrl: string;
  http: (inner?: HttpClient) => HttpClient;
}

/** Command results name their command: the targets a client remembers are bounded. */
const MAX_REMEMBERED_TARGETS = 32;

function outcomeOf(error: unknown): RequestOutcome {
  if (error instanceof HttpTimeoutError) return { kind: "timeout" };
  const code = (error as { code?: unknown }).code;
  return { kind: "error", code: typeof code === "string" ? code : null, message: errorMessage(error) };
}

/**
 * An HTTP client over `inner` whose requests, built on the first
 * control-plane URL, go to the current copy, and on to the next one as the
 * move rules say, sent again there (once per copy at most) when the rules
 * allow. Every request a running agent makes is safe to repeat (`idempotent`,
 * the default: its report batches are stored exactly once by sequence
 * number; lease renewals, command polls and command results may be sent
 * again); an enrollment, which spends a single-use token, is not.
 */
export function choosingHttpClient(choice: ControlPlaneChoice, inner: HttpClient, { idempotent = true } = {}): HttpClient {
  // A part sends the same few URLs every interval (a report, a renewal): each one's target on each copy is parsed once. Targets are never changed in place.
  const targets = new Map<string, URL>();
  function targetOn(from: number, path: string): URL {
    const key = `${from} ${path}`;
    let target = targets.get(key);
    if (!target) {
      if (targets.size >= MAX_REMEMBERED_TARGETS) targets.clear();
      target = new URL(`${choice.urls[from]}${path}`);
      targets.set(key, target);
    }
    return target;
  }
  async function send(method: "GET" | "POST", url: URL, attempt: (target: URL) => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const path = url.href.startsWith(choice.first) ? url.href.slice(choice.first.length) : null;
    if (path === null) return attempt(url);
    for (let tries = 1; ; tries++) {
      const from = choice.current;
      const target = targetOn(from, path);
      let outcome: RequestOutcome;
      let answer: HttpAnswer | null = null;
      let failure: unknown = null;
      try {
        answer = await attempt(target);
        outcome = { kind: "answer", status: answer.status };
      } catch (error) {
        if (error instanceof HttpAbandonedError) throw error;
        failure = error;
        outcome = outcomeOf(error);
      }
      const decision = decideMove(outcome, idempotent, choice.urls.length);
      if (decision.move) choice.moveFrom(from, decision.rule.id, answer ? `it answered ${answer.status} to ${method} ${target.pathname}` : errorMessage(failure));
      if (!decision.resend || tries >= choice.urls.length) {
        if (answer) return answer;
        throw failure;
      }
    }
  }
  return {
    post: (url, body, headers, timeoutMs, signal) => send("POST", url, (target) => inner.post(target, body, headers, timeoutMs, signal)),
    get: (url, headers, timeoutMs, signal) => send("GET", url, (target) => inner.get(target, headers, timeoutMs, signal)),
    close: () => inner.close(),
  };
}

/** A fresh HTTP client that moves between the copies of `controlPlaneUrl` (one URL or several, comma-separated), with the first URL to build requests on. */
export function controlPlaneClient(controlPlaneUrl: string, options: { idempotent?: boolean } = {}): { http: HttpClient; first: string } {
  const choice = ControlPlaneChoice.of(controlPlaneUrl);
  return { http: choosingHttpClient(choice, createHttpClient(), options), first: choice.first };
}
