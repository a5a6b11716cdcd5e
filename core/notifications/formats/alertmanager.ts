import type { NotificationGroup, NotifiedAlert } from "../notification-group";

/**
 * Prometheus Alertmanager's webhook JSON (`webhook_config`, version "4"), so
 * anything that already receives Alertmanager's webhooks (alerta, Karma,
 * Opsgenie's and Grafana OnCall's Alertmanager integrations, home-grown
 * bridges) receives ours unchanged.
 */
export interface AlertmanagerAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhook {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

/** Alertmanager's "not ended yet": Go's zero time, which receivers test for. */
export const ALERTMANAGER_ZERO_TIME = "0001-01-01T00:00:00Z";

/** Labels identify an alert (Alertmanager groups, silences and fingerprints by them). */
export function alertLabels(alert: NotifiedAlert): Record<string, string> {
  return {
    alertname: alert.ruleId,
    severity: alert.severity,
    ...(alert.serviceId === null ? {} : { service: alert.serviceId }),
    subject: alert.subjectLabel,
  };
}

/** Annotations describe it: `summary` and `description` are the names receivers display. */
const alertAnnotations = (alert: NotifiedAlert): Record<string, string> => ({ summary: alert.title, description: alert.sentence });

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/**
 * Alertmanager's fingerprint: FNV-1a (64 bit) over the labels sorted by name,
 * each name and value followed by the byte 0xff, as 16 hex digits; the same
 * labels give the same fingerprint whoever computes it.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  let hash = FNV64_OFFSET;
  const add = (bytes: Iterable<number>) => {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & MASK64;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    add(encoder.encode(name));
    add([0xff]);
    add(encoder.encode(labels[name] ?? ""));
    add([0xff]);
  }
  return hash.toString(16).padStart(16, "0");
}

/** The name-value pairs every record holds alike (Alertmanager's commonLabels and commonAnnotations). */
function common(records: readonly Record<string, string>[]): Record<string, string> {
  if (!records.length) return {};
  const [first = {}, ...rest] = records;
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((record) => record[name] === value)));
}

export interface AlertmanagerOptions {
  /** The receiver's name, as Alertmanager's route names it. */
  receiver: string;
  /** The control plane's own address; empty when it does not know it (Alertmanager sends its own). */
  externalUrl: string | null;
}

export function alertmanagerWebhook(group: NotificationGroup, { receiver, externalUrl }: AlertmanagerOptions): AlertmanagerWebhook {
  const alerts = group.alerts.map((alert): AlertmanagerAlert => {
    const labels = alertLabels(alert);
    return {
      status: alert.state,
      labels,
      annotations: alertAnnotations(alert),
      startsAt: (alert.firedAt ?? alert.startedAt).toISOString(),
      endsAt: alert.resolvedAt?.toISOString() ?? ALERTMANAGER_ZERO_TIME,
      generatorURL: group.url ?? "",
      fingerprint: labelsFingerprint(labels),
    };
  });
  return {
    version: "4",
    groupKey: group.key,
    truncatedAlerts: 0,
    status: group.status,
    receiver,
    groupLabels: group.serviceId === null ? {} : { service: group.serviceId },
    commonLabels: common(alerts.map((alert) => alert.labels)),
    commonAnnotations: common(alerts.map((alert) => alert.annotations)),
    externalURL: externalUrl ?? "",
    alerts,
  };
}
