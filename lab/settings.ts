import { findReplica, serviceOf, synchronousStandbysOf } from "./topology";

type Settings = Record<string, string | number | boolean>;

/**
 * Every cluster gets the same replication-ready settings, so any of them can
 * be promoted. Timeouts are short because the lab exists to detect and
 * survive failures quickly. Only the primary names synchronous standbys: a
 * standby that inherited them would, once promoted, wait for itself. A
 * service's own settings (payments-db's small memory) come on top.
 */
export function serverSettings(role: "primary" | "standby", primaryName: string): Settings {
  const settings: Settings = {
    wal_level: "replica",
    max_wal_senders: 10,
    max_replication_slots: 10,
    hot_standby: true,
    hot_standby_feedback: true,
    wal_log_hints: true,
    synchronous_commit: "on",
    wal_sender_timeout: "5s",
    wal_receiver_timeout: "5s",
    wal_receiver_status_interval: "1s",
    wal_retrieve_retry_interval: "1s",
    max_connections: 50,
    ...serviceOf(findReplica(primaryName)).settings,
  };
  if (role === "primary") settings.synchronous_standby_names = synchronousStandbyNames(primaryName);
  return settings;
}

/** `FIRST 1 ("pg-eu-west-1")`: names with dashes must be double-quoted. */
export function synchronousStandbyNames(primaryName: string): string {
  const names = synchronousStandbysOf(primaryName).map((replica) => `"${replica.name}"`);
  return names.length ? `FIRST 1 (${names.join(", ")})` : "";
}
