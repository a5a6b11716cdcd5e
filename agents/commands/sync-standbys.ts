import type pg from "pg";
import type { AgentCommandArgs } from "@/contracts/agent-commands";
import type { CommandAnswer } from "./command-ledger";
import { failed, refused, succeeded } from "./command-executor";

const VISIBLE_WITHIN_MS = 10_000;
/** How long a named standby that is connected but still catching up is waited for. */
const CATCH_UP_WITHIN_MS = 20_000;
const POLL_MS = 50;

/** synchronous_standby_names for these standbys: any one of them, in this order of preference, confirms each commit. */
export function synchronousStandbyNames(names: readonly string[]): string {
  return names.length === 0 ? "" : `FIRST 1 (${names.map((name) => `"${name}"`).join(", ")})`;
}

/** A walsender as pg_stat_replication lists it. */
export interface WalSenderRow {
  application_name: string;
  state: string | null;
}

/** Walsender states of a standby that has connected and will stream once it has caught up. */
const CATCHING_UP = new Set(["startup", "catchup"]);

/**
 * Which of `names`, in their order, stream from this primary now, and which
 * are connected but still catching up: a standby just rebuilt and started
 * (a rejoined former primary) streams in a moment, and leaving it out would
 * leave the primary without the synchronous standby the topology gives it.
 */
export function standbysByState(names: readonly string[], senders: readonly WalSenderRow[]): { streaming: string[]; catchingUp: string[] } {
  const states = (name: string) => senders.filter((sender) => sender.application_name === name).map((sender) => sender.state);
  const streaming = names.filter((name) => states(name).includes("streaming"));
  const catchingUp = names.filter((name) => !streaming.includes(name) && states(name).some((state) => state !== null && CATCHING_UP.has(state)));
  return { streaming, catchingUp };
}

/**
 * Names the primary's synchronous standbys again (a promotion clears them):
 * those of `names` that stream from it, once those connected have caught up
 * (within CATCH_UP_WITHIN_MS), so that a standby still missing (a former
 * primary not yet reinstated) cannot block every commit. With none
 * streaming, commits stop waiting and the answer says so.
 */
export async function setSyncStandbys(client: pg.Client, args: AgentCommandArgs<"sync-standbys">, replicaName: string): Promise<CommandAnswer> {
  const { rows: recovery } = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
  if (recovery[0]?.in_recovery) return refused(`${replicaName} is a standby; only a primary names synchronous standbys`);
  const caughtUpBy = Date.now() + CATCH_UP_WITHIN_MS;
  let found = standbysByState(args.names, []);
  for (;;) {
    const { rows } = await client.query<WalSenderRow>("SELECT application_name, state FROM pg_stat_replication WHERE application_name = ANY($1::text[])", [args.names]);
    found = standbysByState(args.names, rows);
    if (found.catchingUp.length === 0 || Date.now() > caughtUpBy) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const { streaming } = found;
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
