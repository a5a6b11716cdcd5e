import { chmod, chown, copyFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import type { OsUser } from "@/embedded/run-as";

/** Runtime files of the running source that a copy must not carry. */
const SKIPPED_TOP_LEVEL_FILES = new Set(["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal", "recovery.signal"]);

/**
 * Folders whose contents the backup documentation says to omit: WAL comes
 * from the primary over the slot, slots must not be cloned (they would hold
 * WAL back for nobody), and the rest is rebuilt at start. pg_wal keeps its
 * subfolders (archive_status, summaries), empty.
 */
const EMPTIED_FOLDERS: Record<string, Contents> = {
  pg_wal: "folders",
  pg_replslot: "nothing",
  pg_dynshmem: "nothing",
  pg_notify: "nothing",
  pg_serial: "nothing",
  pg_snapshots: "nothing",
  pg_stat_tmp: "nothing",
  pg_subtrans: "nothing",
};

type Contents = "everything" | "folders" | "nothing";

function omitted(name: string): boolean {
  return name.startsWith("pgsql_tmp") || name === "pg_internal.init";
}

async function own(target: string, mode: number, user: OsUser | null): Promise<void> {
  await chmod(target, mode);
  if (user) await chown(target, user.uid, user.gid);
}

async function copyFolder(source: string, target: string, contents: Contents, user: OsUser | null, topLevel: boolean): Promise<void> {
  await mkdir(target, { mode: 0o700 });
  await own(target, 0o700, user);
  if (contents === "nothing") return;
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (omitted(entry.name) || (topLevel && SKIPPED_TOP_LEVEL_FILES.has(entry.name))) continue;
    if (entry.isSymbolicLink()) throw new Error(`${from} is a symbolic link (a tablespace?), which the lab's clone does not support`);
    if (entry.isDirectory()) {
      await copyFolder(from, to, (topLevel ? EMPTIED_FOLDERS[entry.name] : undefined) ?? contents, user, false);
    } else if (contents === "everything") {
      try {
        await copyFile(from, to);
      } catch (error) {
        // Files come and go while the source runs; one that is gone was not needed for recovery.
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw error;
      }
      await own(to, 0o600, user);
    }
  }
}

/**
 * Copies a running cluster's data folder for a base backup taken with
 * pg_backup_start/pg_backup_stop, owned by `user` with PostgreSQL's modes.
 * Torn pages from concurrent writes are fixed by WAL replay (full-page writes
 * are forced during a backup).
 */
export async function copyDataFolder(source: string, target: string, user: OsUser | null): Promise<void> {
  await copyFolder(source, target, "everything", user, true);
}
