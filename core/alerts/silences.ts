import { ACCOUNT_ALERT_RULE_IDS } from "./account-alert-rules";
import type { AlertRuleId } from "./alert-rules";

/** A silence longer than this is a policy change in disguise (a rule nobody wants is changed in the policy, with approval). */
export const MAX_SILENCE_MS = 30 * 86_400_000;

export type ServiceLabels = Readonly<Record<string, string>>;

/** Which alerts a silence mutes: all of its matchers must hold; at least one is set. */
export interface SilenceMatcher {
  serviceId: string | null;
  ruleId: AlertRuleId | null;
  /** Label pairs the alert's service must carry (every one); empty matches any service. */
  labels: ServiceLabels;
}

export interface Silence extends SilenceMatcher {
  id: string;
  reason: string;
  createdBy: string;
  startsAt: Date;
  endsAt: Date;
  /** When an operator expired it before its end; null otherwise. */
  expiredAt: Date | null;
}

export type SilenceState = "pending" | "active" | "expired";

/** What a silence is matched against: an alert, or a condition about to raise one. */
export interface Silenceable {
  serviceId: string | null;
  ruleId: AlertRuleId;
}

export function silenceState(silence: Pick<Silence, "startsAt" | "endsAt" | "expiredAt">, now: Date): SilenceState {
  if (silence.expiredAt !== null || silence.endsAt <= now) return "expired";
  return silence.startsAt > now ? "pending" : "active";
}

const carries = (own: ServiceLabels | null, wanted: ServiceLabels) => Object.entries(wanted).every(([key, value]) => own?.[key] === value);
const isAccountRule = (ruleId: AlertRuleId) => (ACCOUNT_ALERT_RULE_IDS as readonly string[]).includes(ruleId);

/** Whether the matcher takes in the alert; `labelsOf` answers a service's labels (null: no such service). */
export function silenceMatches(matcher: SilenceMatcher, alert: Silenceable, labelsOf: (serviceId: string) => ServiceLabels | null): boolean {
  if (matcher.serviceId === null && matcher.ruleId === null && Object.keys(matcher.labels).length === 0) return false;
  if (matcher.ruleId !== null && matcher.ruleId !== alert.ruleId) return false;
  if (matcher.serviceId !== null && matcher.serviceId !== alert.serviceId) return false;
  if (Object.keys(matcher.labels).length === 0) return true;
  return alert.serviceId !== null && carries(labelsOf(alert.serviceId), matcher.labels);
}

/** The active silence muting the alert, of those that match it the one that ends last (it stays muted until then); null when none does. */
export function silenceOf<S extends Silence>(silences: readonly S[], alert: Silenceable, labelsOf: (serviceId: string) => ServiceLabels | null, now: Date): S | null {
  return silences
    .filter((silence) => silenceState(silence, now) === "active" && silenceMatches(silence, alert, labelsOf))
    .reduce<S | null>((last, silence) => (last === null || silence.endsAt > last.endsAt ? silence : last), null);
}

/** How an alert muted by the silence says so (stored on it while nobody has been told of it). */
export const silenceLabel = (silence: Pick<Silence, "id" | "reason" | "createdBy" | "endsAt">) =>
  `silence ${silence.id} by ${silence.createdBy} ("${silence.reason}") until ${silence.endsAt.toISOString()}`;

export interface SilenceRequest extends SilenceMatcher {
  startsAt: Date;
  /** Null when the request named none: refused. */
  endsAt: Date | null;
}

interface SilenceCheck {
  id: string;
  /** The request field a refusal names. */
  field: "serviceId" | "ruleId" | "labels" | "startsAt" | "endsAt";
  /** How the refusal names the fields, when it is about more than `field`. */
  names?: string;
  sentence: string;
  problem(request: SilenceRequest, services: ReadonlyMap<string, ServiceLabels>, now: Date): string | null;
}

const fmt = (labels: ServiceLabels) => Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(", ");

/**
 * What a silence must be to be created, in order; the first that fails is
 * the refusal. `services` are the live services with their labels.
 */
export const SILENCE_CHECKS: readonly SilenceCheck[] = [
  {
    id: "silence-needs-a-matcher",
    field: "serviceId",
    names: "serviceId, ruleId or labels",
    sentence: "A silence names a service, a rule or labels: one that names none would mute every alert.",
    problem: (request) =>
      request.serviceId === null && request.ruleId === null && Object.keys(request.labels).length === 0 ? "name a service, a rule or labels to silence (an empty matcher would mute everything)" : null,
  },
  {
    id: "silence-needs-an-expiry",
    field: "endsAt",
    sentence: "A silence has an end (endsAt): an alert muted for ever is a rule nobody reads.",
    problem: (request) => (request.endsAt === null ? "a silence needs an expiry (endsAt)" : null),
  },
  {
    id: "silence-ends-in-the-future",
    field: "endsAt",
    sentence: "A silence ends in the future and after it starts.",
    problem: (request, _services, now) => {
      if (request.endsAt! <= now) return `endsAt must be in the future (now is ${now.toISOString()})`;
      return request.endsAt! <= request.startsAt ? `endsAt must be after startsAt (${request.startsAt.toISOString()})` : null;
    },
  },
  {
    id: "silence-at-most-30-days",
    field: "endsAt",
    sentence: "A silence ends at most 30 days after it starts (and starts at most 30 days from now).",
    problem: (request, _services, now) => {
      if (request.startsAt.getTime() - now.getTime() > MAX_SILENCE_MS) return "startsAt must be at most 30 days away";
      return request.endsAt!.getTime() - Math.max(request.startsAt.getTime(), now.getTime()) > MAX_SILENCE_MS ? "endsAt must be at most 30 days after the silence starts" : null;
    },
  },
  {
    id: "silence-service-known",
    field: "serviceId",
    sentence: "A silence's service is one the fleet has (not retired).",
    problem: (request, services) => (request.serviceId !== null && !services.has(request.serviceId) ? `no service ${request.serviceId} (retired or never added): the silence would match nothing` : null),
  },
  {
    id: "silence-rule-about-services",
    field: "ruleId",
    sentence: "A silence of a service or of labels names a rule about services: the accounts' rules raise alerts about no service.",
    problem: (request) =>
      request.ruleId !== null && isAccountRule(request.ruleId) && (request.serviceId !== null || Object.keys(request.labels).length > 0)
        ? `${request.ruleId} raises alerts about the installation's accounts, never about a service: with a service or labels the silence would match nothing`
        : null,
  },
  {
    id: "silence-labels-match-a-service",
    field: "labels",
    sentence: "A silence's labels are carried by at least one of its services now.",
    problem: (request, services) => {
      if (Object.keys(request.labels).length === 0) return null;
      const candidates = request.serviceId === null ? [...services.values()] : [services.get(request.serviceId) ?? null];
      if (candidates.some((labels) => carries(labels, request.labels))) return null;
      return `${request.serviceId === null ? "no service" : `service ${request.serviceId} does not`} carr${request.serviceId === null ? "ies" : "y"} the labels ${fmt(request.labels)}: the silence would match nothing`;
    },
  },
];

/** The first check the request fails, with the field it names; null when the silence may be created. */
export function silenceProblem(request: SilenceRequest, services: ReadonlyMap<string, ServiceLabels>, now: Date): { checkId: string; field: SilenceCheck["field"]; message: string } | null {
  for (const check of SILENCE_CHECKS) {
    const message = check.problem(request, services, now);
    if (message) return { checkId: check.id, field: check.field, message: `${check.names ?? check.field}: ${message}` };
  }
  return null;
}
