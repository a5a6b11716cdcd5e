import type pg from "pg";
import type { AgentCommandArgs } from "@/contracts/agent-commands";
import type { CommandAnswer } from "./command-ledger";
import { failed, refused, succeeded } from "./command-executor";

const VISIBLE_WITHIN_MS = 10_000;
const POLL_MS = 50;

/** synchronous_standby_names for these standbys: any one of them, in this order of preference, confirms each commit. */
export function synchronousStandbyNames(names: readonly string[]): string {
  return names.length === 0 ? "" : `FIRST 1 (${names.map((name) => `"${name}"`).join(", ")})`;
}

/**
 * Names the primary's synchronous standbys again (a promotion clears them):
 * those of `names` that stream from it now, so that a standby still missing
 * (a former primary not yet reinstated) cannot block every commit. With none
 * streaming, commits stop waiting and the answer says so.
 */
export async function setSyncStandbys(client: pg.Client, args: AgentCommandArgs<"sync-standbys">, replicaName: string): Promise<CommandAnswer> {
  const { rows: recovery } = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
  if (recovery[0]?.in_recovery) return refused(`${replicaName} is a standby; only a primary names synchronous standbys`);
  const { rows } = await client.query<{ application_name: string }>(
    "SELECT DISTINCT application_name FROM pg_stat_replication WHERE state = 'streaming' AND application_name = ANY($1::text[])",
    [args.names],
  );
  const streaming = args.names.filter((name) => rows.some((row) => row.application_name === name));
  const value = synchronousStandbyNames(streaming);
  await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${client.escapeLiteral(value)}`);
  await client.query("SELECT pg_reload_conf()");
  // A backend takes the reload in before its next query, so this session sees it soon.
  const deadline = Date.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    const seen = (await client.query<{ value: string }>("SELECT current_setting('synchronous_standby_names') AS value")).rows[0]?.value;
    if (seen === value) return succeeded({ synchronousStandbyNames: value, streaming });
    if (Date.now() > deadline) return failed(`synchronous_standby_names is still "${seen}" after ALTER SYSTEM and a reload, not "${value}"`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
