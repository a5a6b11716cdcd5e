import type { NotificationGroup, NotifiedAlert } from "./notification-group";

/** How long a group's notification waits before it is sent, so that alerts that fire together go out together (Alertmanager's group_wait). */
export const GROUP_WAIT_MS = 10_000;

export const GROUPING_RULES = [
  {
    id: "group-by-service",
    sentence: "Alerts are grouped by their service, one notification per group and webhook; the alerts about the installation's accounts form one group of their own.",
  },
  {
    id: "group-wait",
    sentence: "A group's notification waits 10 s before it is sent; what joins or resolves in the group meanwhile goes out in that same notification.",
  },
  {
    id: "alert-joins-group",
    sentence: "An alert of the group firing (or released when nothing mutes it any more) notifies the group again, listing every alert of it that fires.",
  },
  {
    id: "group-resolves",
    sentence: "The last firing alert of a group resolving notifies the group resolved, with the alerts that resolved.",
  },
  {
    id: "alert-resolves-in-firing-group",
    sentence: "An alert resolving while others of its group still fire notifies nobody by itself: it is audited, and shown resolved in the group's notification if one is waiting.",
  },
] as const;

export type GroupingRuleId = (typeof GROUPING_RULES)[number]["id"];

/** A firing or resolution people hear about (nothing mutes it). */
export interface Announcement {
  alert: NotifiedAlert;
  event: "fire" | "resolve";
}

export interface GroupDecision {
  ruleId: Exclude<GroupingRuleId, "group-by-service" | "group-wait">;
  /** Whether the group is notified anew; when not, `group` still updates a notification of it that waits. */
  notify: boolean;
  group: NotificationGroup;
}

export const groupKeyOf = (serviceId: string | null) => (serviceId === null ? "accounts" : `service:${serviceId}`);

/**
 * One decision per group the announcements touch. `firing` holds every
 * announced alert of those groups firing now (after the announced changes),
 * so a group's notification lists the whole group, not only what changed.
 * Pure.
 */
export function groupAnnouncements(announcements: readonly Announcement[], firing: readonly NotifiedAlert[], url: string | null): GroupDecision[] {
  const touched = new Map<string, { serviceId: string | null; fired: boolean; resolved: NotifiedAlert[] }>();
  for (const { alert, event } of announcements) {
    const key = groupKeyOf(alert.serviceId);
    const entry = touched.get(key) ?? { serviceId: alert.serviceId, fired: false, resolved: [] };
    if (event === "fire") entry.fired = true;
    else entry.resolved.push(alert);
    touched.set(key, entry);
  }
  return [...touched].map(([key, { serviceId, fired, resolved }]) => {
    const stillFiring = firing.filter((alert) => groupKeyOf(alert.serviceId) === key && !resolved.some((gone) => gone.id === alert.id));
    const status = stillFiring.length ? "firing" : "resolved";
    const group: NotificationGroup = { key, serviceId, status, alerts: [...stillFiring, ...resolved], url };
    if (fired && stillFiring.length) return { ruleId: "alert-joins-group", notify: true, group };
    if (!stillFiring.length) return { ruleId: "group-resolves", notify: true, group };
    return { ruleId: "alert-resolves-in-firing-group", notify: false, group };
  });
}

/**
 * A group's notification still waiting (group wait) as a fresher decision
 * leaves it: the fresh group, plus the alerts the waiting one told had
 * resolved that the fresh one does not list.
 */
export function mergeWaiting(waiting: NotificationGroup, fresh: NotificationGroup): NotificationGroup {
  const kept = waiting.alerts.filter((alert) => alert.state === "resolved" && !fresh.alerts.some((current) => current.id === alert.id));
  const alerts = [...fresh.alerts, ...kept];
  return { ...fresh, status: alerts.some((alert) => alert.state === "firing") ? "firing" : "resolved", alerts };
}
