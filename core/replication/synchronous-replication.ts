import { parseSynchronousStandbyNames } from "../discovery/synchronous-standby-names";

/** A standby as the primary lists it in pg_stat_replication; `state` null when the reader does not carry it. */
export interface ListedStandby {
  name: string;
  state: string | null;
  syncState: string | null;
}

/**
 * `off`: synchronous_standby_names is empty, commits wait for no standby.
 * `short`: fewer standbys confirm commits than the setting asks for, so commits wait (synchronous_commit on or above).
 * `confirmed`: as many confirm as it asks for.
 */
export type SynchronousReplication =
  | { state: "off" }
  | { state: "short" | "confirmed"; needed: number; confirming: string[] };

/**
 * Whether the primary counts a standby towards confirming its commits now.
 * PostgreSQL lists as `sync` the standbys a priority setting (`FIRST n (…)`,
 * `n (…)` or a plain list) waits for, and as `quorum` every candidate of an
 * `ANY n (…)` setting, any n of which confirm each commit; either is one
 * confirmation. Only a walsender that streams is a candidate at all.
 */
export function confirmsCommits(standby: ListedStandby): boolean {
  return (standby.state === null || standby.state === "streaming") && (standby.syncState === "sync" || standby.syncState === "quorum");
}

/**
 * How many confirmations each commit waits for: the n of the primary's
 * synchronous_standby_names, read as PostgreSQL reads it; 1 when the setting
 * is not known (not reported, or not one PostgreSQL would accept).
 */
function neededConfirmations(synchronousStandbyNames: string | null): number {
  if (synchronousStandbyNames === null) return 1;
  const parsed = parseSynchronousStandbyNames(synchronousStandbyNames);
  return parsed.ok && parsed.config ? parsed.config.count : 1;
}

/**
 * Whether the primary's synchronous replication holds, from its own report:
 * its synchronous_standby_names (null when not reported) and its standbys. A
 * standby lost means fewer confirm than the setting needs: with `ANY 2 (a, b,
 * c)` two `quorum` standbys streaming are enough and none is `sync`; with
 * `FIRST 2 (a, b)` one `sync` standby alone leaves every commit waiting.
 */
export function synchronousReplication(primary: { synchronousStandbyNames: string | null; standbys: readonly ListedStandby[] }): SynchronousReplication {
  if (primary.synchronousStandbyNames !== null && primary.synchronousStandbyNames.trim() === "") return { state: "off" };
  const needed = neededConfirmations(primary.synchronousStandbyNames);
  const confirming = primary.standbys.filter(confirmsCommits).map((standby) => standby.name);
  return { state: confirming.length >= needed ? "confirmed" : "short", needed, confirming };
}
