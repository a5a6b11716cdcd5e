import { formatBytes, formatSeconds } from "../format";
import { synchronousReplication } from "../replication/synchronous-replication";
import { ACCOUNT_ALERT_RULE_IDS, ACCOUNT_ALERT_RULES } from "./account-alert-rules";
import { isFresh, staleAfterMs, type ReplicaFacts, type ServiceFacts } from "./alert-facts";

export const ALERT_RULE_IDS = [
  "heartbeat-stale",
  "replica-unreachable",
  "lag-above-budget",
  "sync-standby-missing",
  "slot-retaining-wal",
  "setting-drift",
  "conflict-rate",
  "automatic-failover-held",
  "automation-not-deciding",
  "scheduled-run-refused",
  "audit-chain-broken",
  "audit-checkpoints-unpublished",
  "drill-failed",
  "drill-overdue",
  ...ACCOUNT_ALERT_RULE_IDS,
] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];
export type AlertSeverity = "warning" | "critical";

/** What an alert is about; `key` is stable across evaluations, `label` is for people. */
export interface AlertSubject {
  key: string;
  label: string;
  replicaId: string | null;
}

/** A rule's condition holding for one subject now, with the sentence that says so. */
export interface Detection {
  ruleId: AlertRuleId;
  /** Null for an alert about the installation (its accounts) rather than a service. */
  serviceId: string | null;
  subject: AlertSubject;
  sentence: string;
}

export interface AlertRule {
  id: AlertRuleId;
  title: string;
  severity: AlertSeverity;
  /** What the rule watches, for the rules table operators can read. */
  description: string;
  detect(service: ServiceFacts, now: Date): Omit<Detection, "ruleId" | "serviceId">[];
}

const replicaSubject = (replica: ReplicaFacts): AlertSubject => ({ key: `replica:${replica.id}`, label: replica.name, replicaId: replica.id });
const AUDIT_TRAIL: AlertSubject = { key: "audit:trail", label: "the audit trail", replicaId: null };
const freshReplicas = (service: ServiceFacts, now: Date) => service.replicas.filter((replica) => replica.role !== "witness" && isFresh(replica, service.policy, now));
const writePrimary = (service: ServiceFacts) => service.replicas.find((replica) => replica.id === service.writeReplicaId) ?? null;
/** Settings that make a commit wait for a standby's confirmation, when synchronous standbys are named. */
const WAITING_COMMIT_LEVELS = new Set(["on", "remote_write", "remote_apply"]);

/**
 * The alert rules, as a table: each has a stable id, a severity and a
 * detection that returns a sentence per subject. They read the latest
 * reports only; how long a condition must hold before anyone is paged is the
 * policy's `alerts.forSeconds`, applied by `advanceAlerts`.
 */
export const ALERT_RULES: readonly AlertRule[] = [
  {
    id: "heartbeat-stale",
    title: "Heartbeat stale",
    severity: "critical",
    description: "A replica's agent has not reported within the policy's staleness window (heartbeat interval × misses).",
    detect(service, now) {
      const windowMs = staleAfterMs(service.policy);
      return service.replicas
        .filter((replica) => replica.hasAgent && replica.role !== "witness" && !isFresh(replica, service.policy, now))
        .map((replica) => ({
          subject: replicaSubject(replica),
          sentence: replica.lastReportAt
            ? `${replica.name} has not reported for ${formatSeconds((now.getTime() - replica.lastReportAt.getTime()) / 1000)} (staleness window ${formatSeconds(windowMs / 1000)})`
            : `${replica.name} has an agent that has never reported`,
        }));
    },
  },
  {
    id: "replica-unreachable",
    title: "Replica unreachable",
    severity: "critical",
    description: "A replica's agent reports that it cannot reach the replica it runs next to.",
    detect(service, now) {
      return freshReplicas(service, now)
        .filter((replica) => replica.reachable === false)
        .map((replica) => ({ subject: replicaSubject(replica), sentence: `${replica.name} does not answer its agent` }));
    },
  },
  {
    id: "lag-above-budget",
    title: "Lag above budget",
    severity: "warning",
    description: "A standby lags more than the RPO budget of the service's eventual datasets, or more bytes than the policy's failover maximum.",
    detect(service, now) {
      const maxBytes = service.policy.failover.maxLagBytes;
      return freshReplicas(service, now)
        .filter((replica) => replica.id !== service.writeReplicaId && replica.reportedRole === "standby")
        .flatMap((replica) => {
          const problems: string[] = [];
          if (service.rpoSeconds !== null && replica.lagSeconds !== null && replica.lagSeconds > service.rpoSeconds) {
            problems.push(`${formatSeconds(replica.lagSeconds)}, over the RPO budget of ${formatSeconds(service.rpoSeconds)}`);
          }
          if (replica.lagBytes !== null && replica.lagBytes > maxBytes) {
            problems.push(`${formatBytes(replica.lagBytes)}, over the policy maximum of ${formatBytes(maxBytes)}`);
          }
          return problems.length ? [{ subject: replicaSubject(replica), sentence: `${replica.name} lags ${problems.join(" and ")}` }] : [];
        });
    },
  },
  {
    id: "sync-standby-missing",
    title: "Synchronous standby missing",
    severity: "critical",
    description: "A service with a strong dataset, or whose policy sets a dataset's replication to sync, has fewer synchronous standbys streaming than its synchronous_standby_names needs (`sync` for FIRST n, `quorum` for ANY n), or names none (drift from the policy); on MariaDB, which has no such setting, no replica acknowledges its semi-synchronous commits: its primary either blocks every commit or no longer guarantees RPO 0.",
    detect(service, now) {
      const primary = writePrimary(service);
      if (!service.strong || !primary || !isFresh(primary, service.policy, now) || !primary.settings) return [];
      // Null: the engine has no such setting (MariaDB names its semi-synchronous replicas by their own acknowledgements), so the standbys' sync states alone say.
      const names = primary.settings.synchronous_standby_names?.trim() ?? null;
      const standbys = primary.standbys.map((standby) => ({ name: standby.applicationName, state: standby.state, syncState: standby.syncState }));
      const sync = synchronousReplication({ synchronousStandbyNames: names, standbys });
      if (sync.state === "off") {
        return [{ subject: replicaSubject(primary), sentence: `${primary.name} names no synchronous standby: commits do not wait for any standby, so RPO 0 is not guaranteed` }];
      }
      if (sync.state === "confirmed") return [];
      const count = sync.confirming.length;
      if (names === null) {
        return [{ subject: replicaSubject(primary), sentence: `${primary.name} has no synchronous standby acknowledging its commits: RPO 0 is not guaranteed` }];
      }
      const streaming = count === 0 ? "none is streaming" : `only ${count} of the ${sync.needed} it needs ${count === 1 ? "is" : "are"} streaming (${sync.confirming.join(", ")})`;
      const blocking = WAITING_COMMIT_LEVELS.has(primary.settings.synchronous_commit ?? "on");
      return [
        {
          subject: replicaSubject(primary),
          sentence: `${primary.name} names synchronous standbys (${names}) but ${streaming}: ${blocking ? "every commit blocks" : "commits do not wait (synchronous_commit is " + primary.settings.synchronous_commit + "), so RPO 0 is not guaranteed"}`,
        },
      ];
    },
  },
  {
    id: "slot-retaining-wal",
    title: "Replication slot retaining WAL",
    severity: "warning",
    description: "A replication slot on the primary keeps more WAL than the policy allows (an inactive or slow consumer fills the primary's disk).",
    detect(service, now) {
      const primary = writePrimary(service);
      if (!primary || !isFresh(primary, service.policy, now)) return [];
      const max = service.policy.alerts.slotRetainedBytesMax;
      return primary.slots
        .filter((slot) => slot.retainedBytes !== null && slot.retainedBytes > max)
        .map((slot) => ({
          subject: { key: `replica:${primary.id}:slot:${slot.name}`, label: `${primary.name} slot ${slot.name}`, replicaId: primary.id },
          sentence: `slot ${slot.name} on ${primary.name} retains ${formatBytes(slot.retainedBytes!)} of WAL, over the policy maximum of ${formatBytes(max)}`,
        }));
    },
  },
  {
    id: "setting-drift",
    title: "Setting drift",
    severity: "warning",
    description: "A replica's reported role or settings differ from what the topology and policy expect (a primary that refuses writes, a standby reporting itself primary, asynchronous commits for a strong dataset).",
    detect(service, now) {
      return freshReplicas(service, now).flatMap((replica) => {
        const drift: string[] = [];
        const isWritePrimary = replica.id === service.writeReplicaId;
        if (isWritePrimary && replica.reportedRole === "standby") drift.push("the write route points at it, but it reports itself a standby");
        if (!isWritePrimary && replica.reportedRole === "primary") drift.push("it reports itself a primary, but the write route points elsewhere (a former primary: run reinstate-former-primary)");
        if (isWritePrimary && replica.reportedRole === "primary" && replica.settings?.default_transaction_read_only === "on") {
          drift.push("it is the write primary but refuses writes (default_transaction_read_only = on)");
        }
        const commit = replica.settings?.synchronous_commit;
        if (isWritePrimary && service.strong && commit && !WAITING_COMMIT_LEVELS.has(commit)) {
          drift.push(`synchronous_commit is ${commit}, but a strong dataset needs on, remote_write or remote_apply`);
        }
        return drift.length ? [{ subject: replicaSubject(replica), sentence: `${replica.name}: ${drift.join("; ")}` }] : [];
      });
    },
  },
  {
    id: "conflict-rate",
    title: "Conflict rate",
    severity: "warning",
    description: "Recovery or logical-replication conflicts per minute on a replica exceed the policy's threshold.",
    detect(service, now) {
      const max = service.policy.alerts.conflictsPerMinuteMax;
      return freshReplicas(service, now)
        .filter((replica) => replica.conflictsPerMinute !== null && replica.conflictsPerMinute > max)
        .map((replica) => ({
          subject: replicaSubject(replica),
          sentence: `${replica.name} had ${replica.conflictsPerMinute} conflicts in the last minute (policy maximum ${max})`,
        }));
    },
  },
  {
    id: "automatic-failover-held",
    title: "Automatic failover held back",
    severity: "critical",
    description:
      "The automation confirmed the primary lost but may not fail over alone (paused, policy off, held by a maintenance window, cooling down, no standby it may promote without a person): someone must act.",
    detect(service) {
      return service.automationHolds.map((hold) => ({
        subject: { key: `automation:${hold.ruleId}`, label: `automation ${hold.ruleId}`, replicaId: null },
        sentence: hold.sentence,
      }));
    },
  },
  {
    id: "automation-not-deciding",
    title: "Automatic failover not being decided",
    severity: "critical",
    description:
      "No decider has completed a pass over the fleet within ten of its intervals (its copy died, its passes fail or overrun, it keeps losing its lease), or its last pass could not decide this service: a lost primary would not be failed over, nor a guided runbook opened.",
    detect(service) {
      if (!service.notDecided) return [];
      return [{ subject: { key: "automation:decider", label: "the decider", replicaId: null }, sentence: `Automatic failover is not being decided for ${service.id}: ${service.notDecided}` }];
    },
  },
  {
    id: "scheduled-run-refused",
    title: "Scheduled run refused",
    severity: "warning",
    description:
      "A scheduled run, or a region evacuation plan covering the service, was refused at its time (pre-checks failing, its maintenance window over, another run active, started too late…), so the planned work did not happen; it holds for a day or until another run is started or scheduled on the service.",
    detect(service) {
      return service.refusedScheduledRuns.map((run) => ({
        subject: { key: `${run.kind}:${run.id}`, label: `scheduled ${run.what}`, replicaId: null },
        sentence: `${run.what} scheduled for ${run.scheduledAt.toISOString()} on ${service.id} did not start: ${run.error}`,
      }));
    },
  },
  {
    id: "audit-chain-broken",
    title: "Audit chain broken",
    severity: "critical",
    description:
      "The checkpoint publisher found the audit chain no longer verifying with its key, or no longer matching a checkpoint it published off the box: events were edited, removed or re-hashed in the store (raised on every service: the trail is the fleet's).",
    detect(service) {
      return service.auditTrail.broken ? [{ subject: AUDIT_TRAIL, sentence: service.auditTrail.broken }] : [];
    },
  },
  {
    id: "audit-checkpoints-unpublished",
    title: "Audit checkpoints not published",
    severity: "warning",
    description:
      "Signed audit checkpoints are configured to be published off the box (a folder, a webhook, S3), but a sink refused them, the settings are wrong, or no round completed in three intervals: tampering with the trail would go unnoticed.",
    detect(service) {
      return service.auditTrail.unpublished ? [{ subject: AUDIT_TRAIL, sentence: service.auditTrail.unpublished }] : [];
    },
  },
  {
    id: "drill-failed",
    title: "Drill failed",
    severity: "warning",
    description:
      "The service's latest drill failed: its run did not succeed, it did not switch back, or a dataset's observed RTO or lost writes exceeded its budget. It resolves when a later drill passes.",
    detect(service) {
      const failed = service.drills?.failed;
      return failed ? [{ subject: { key: "drill:latest", label: "the latest drill", replicaId: null }, sentence: failed.sentence }] : [];
    },
  },
  {
    id: "drill-overdue",
    title: "Drill overdue",
    severity: "warning",
    description: "A repeating drill is more than a day past its due time without having started (no maintenance window opened, the service stayed busy, or no control plane ran the drills).",
    detect(service) {
      return (service.drills?.overdue ?? []).map((schedule) => ({
        subject: { key: `drill-schedule:${schedule.scheduleId}`, label: "a repeating drill", replicaId: null },
        sentence: schedule.sentence,
      }));
    },
  },
];

/** Every rule over every service: the conditions that hold now. */
export function detectAll(services: readonly ServiceFacts[], now: Date): Detection[] {
  return services.flatMap((service) =>
    ALERT_RULES.flatMap((rule) => rule.detect(service, now).map((detection) => ({ ...detection, ruleId: rule.id, serviceId: service.id }))),
  );
}

/** Every rule, the services' and the accounts', as the rules table shows them. */
export const ALL_ALERT_RULES: readonly Pick<AlertRule, "id" | "title" | "severity" | "description">[] = [...ALERT_RULES, ...ACCOUNT_ALERT_RULES];

export function ruleById(id: AlertRuleId): Pick<AlertRule, "id" | "title" | "severity" | "description"> {
  const rule = ALL_ALERT_RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`no alert rule ${id}`);
  return rule;
}
