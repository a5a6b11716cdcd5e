import { formatSeconds } from "../format";

/** The control plane's loops that keep the fleet safe, with how often each passes and what stops when it does. */
export const LOOPS = {
  decider: { tickMs: 500, label: "decider", consequence: "automatic failover is not being decided" },
  alerting: { tickMs: 1_000, label: "alert evaluator", consequence: "alerts are not being evaluated" },
  paging: { tickMs: 5_000, label: "paging loop", consequence: "nobody on call is being paged or escalated to" },
} as const;

export type LoopName = keyof typeof LOOPS;

/**
 * A loop that has not completed a pass in this many of its intervals has
 * stopped, whatever the reason (its copy died and no other took over, its
 * passes overrun or fail, it lost its lease every time): long enough that a
 * slow pass or a lease changing hands is not a stall, short next to a
 * failover's time budget.
 */
export const STALL_AFTER_INTERVALS = 10;

/** What the lease holder of a loop last wrote of its passes. */
export interface LoopProgressFacts {
  holder: string;
  lastPassAt: Date | null;
  lastPassMs: number | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  /** Services its last complete pass could not handle, with why. */
  failures: Record<string, string>;
}

export interface LoopStall {
  loop: LoopName;
  /** When the last complete pass ended; null if none ever did. */
  lastPassAt: Date | null;
  sentence: string;
}

const ago = (now: Date, then: Date) => formatSeconds(Math.max(0, Math.round((now.getTime() - then.getTime()) / 100) / 10));

export const stallAfterMs = (loop: LoopName) => LOOPS[loop].tickMs * STALL_AFTER_INTERVALS;

/** Whether a loop has stopped completing passes, and a sentence saying so with its last error. */
export function loopStall(loop: LoopName, progress: LoopProgressFacts | null, now: Date): LoopStall | null {
  const lastPassAt = progress?.lastPassAt ?? null;
  if (lastPassAt && now.getTime() - lastPassAt.getTime() <= stallAfterMs(loop)) return null;
  const since = lastPassAt ? `its last complete pass ended ${ago(now, lastPassAt)} ago` : "no control-plane copy has completed a pass yet";
  const error = progress?.lastError && progress.lastErrorAt ? `; last error ${ago(now, progress.lastErrorAt)} ago: ${progress.lastError}` : "";
  return { loop, lastPassAt, sentence: `The ${LOOPS[loop].label} has stopped: ${since}, so ${LOOPS[loop].consequence}${error}.` };
}

/**
 * Why automatic failover is not being decided for a service now, or null
 * when it is: the decider has stopped for every service, or its last pass
 * could not decide this one (the others were decided). A store no decider
 * ever wrote to has nothing to say per service: no decider has stopped, and
 * `loopStall` tells the fleet that none has run yet.
 */
export function notDecidedSentence(progress: LoopProgressFacts | null, serviceId: string, now: Date): string | null {
  if (!progress) return null;
  const stall = loopStall("decider", progress, now);
  if (stall) return stall.sentence;
  const failure = progress?.failures[serviceId];
  return failure ? `The decider's last pass could not decide for this service (${failure}), so automatic failover is not being decided for it.` : null;
}
