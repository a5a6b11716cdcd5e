import { existsSync } from "node:fs";
import { chown, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { confString } from "@/agents/commands/conf-string";
import { primaryConninfo } from "@/agents/commands/primary-conninfo";
import { postgresOsUser } from "@/embedded/run-as";
import type { Address } from "./address";
import { copyDataFolder } from "./copy-data-folder";
import { ensureSlots } from "./primary";
import { labEndpoint, withClient } from "./sql";
import { LAB_SUPERUSER, type LabReplica } from "./topology";

const AUTO_CONF = "postgresql.auto.conf";

export interface Upstream {
  name: string;
  /** Where the lab's own tools reach it (directly), for the clone. */
  port: number;
  password: string;
  /** Where the standby's region reaches it: its link's proxy under npm start, else the port itself. */
  route: Address;
}

/**
 * The agents' primary_conninfo, so that the lab's standbys stream with the
 * same timeouts as one an agent re-points. `application_name` is how the
 * primary's synchronous_standby_names recognises the standby.
 */
export function standbyConninfo(upstream: Upstream, standbyName: string): string {
  return primaryConninfo(upstream.route, { user: LAB_SUPERUSER, password: upstream.password }, standbyName);
}

async function writeOwned(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  const user = postgresOsUser();
  if (user) await chown(file, user.uid, user.gid);
}

/**
 * Points a stopped standby at its upstream. The settings live in
 * postgresql.auto.conf, where ALTER SYSTEM writes, so a later re-point by
 * ALTER SYSTEM + pg_reload_conf() replaces them instead of being shadowed.
 */
export async function configureStoppedStandby(pgdata: string, upstream: Upstream, standby: LabReplica): Promise<void> {
  const file = path.join(pgdata, AUTO_CONF);
  const existing = existsSync(file) ? await readFile(file, "utf8") : "";
  const kept = existing.split("\n").filter((line) => line.trim() && !/^\s*primary_(conninfo|slot_name)\s*=/.test(line));
  const lines = [...kept, `primary_conninfo = ${confString(standbyConninfo(upstream, standby.name))}`, `primary_slot_name = ${confString(standby.slotName)}`];
  await writeOwned(file, `${lines.join("\n")}\n`);
}

/** Re-points a running standby when it follows something else; true when it had to. */
export async function repointRunningStandby(standbyPort: number, upstream: Upstream, standby: LabReplica): Promise<boolean> {
  const conninfo = standbyConninfo(upstream, standby.name);
  return withClient(labEndpoint(standbyPort, upstream.password, "postgres"), async (client) => {
    const current = await client.query<{ conninfo: string; slot: string }>(
      "SELECT current_setting('primary_conninfo') AS conninfo, current_setting('primary_slot_name') AS slot",
    );
    const row = current.rows[0];
    if (row?.conninfo === conninfo && row.slot === standby.slotName) return false;
    await client.query(`ALTER SYSTEM SET primary_conninfo = ${client.escapeLiteral(conninfo)}`);
    await client.query(`ALTER SYSTEM SET primary_slot_name = ${client.escapeLiteral(standby.slotName)}`);
    await client.query("SELECT pg_reload_conf()");
    return true;
  });
}

async function stopBackup(client: pg.Client): Promise<{ labelfile: string; spcmapfile: string | null }> {
  const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
    "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)",
  );
  const row = rows[0];
  if (!row) throw new Error("pg_backup_stop returned nothing");
  return row;
}

/**
 * Builds a standby from the running primary with PostgreSQL's low-level
 * backup API (there is no pg_basebackup here). Start and stop must happen in
 * one session; if that session dies the primary abandons the backup. The
 * slot exists before the backup starts, so the WAL from the backup's
 * checkpoint on is kept until the standby streams it.
 */
export async function cloneStandby(primaryPgdata: string, upstream: Upstream, standby: LabReplica, targetPgdata: string): Promise<void> {
  const user = postgresOsUser();
  await rm(targetPgdata, { recursive: true, force: true });
  const backup = await withClient(labEndpoint(upstream.port, upstream.password, "postgres"), async (client) => {
    await ensureSlots(client, upstream.name);
    await client.query("SELECT pg_backup_start($1, true)", [`switchyard lab: ${standby.name}`]);
    await copyDataFolder(primaryPgdata, targetPgdata, user);
    return stopBackup(client);
  });
  await writeOwned(path.join(targetPgdata, "backup_label"), backup.labelfile);
  if (backup.spcmapfile) await writeOwned(path.join(targetPgdata, "tablespace_map"), backup.spcmapfile);
  await writeOwned(path.join(targetPgdata, "standby.signal"), "");
  await configureStoppedStandby(targetPgdata, upstream, standby);
}
