import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { moveStoreSecrets } from "../keys/move-store-secrets";

// Same key in every process, so concurrent control-plane starts migrate one at a time.
export const MIGRATION_LOCK = 0x5357_4d47; // "SWMG"

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
  /** Secrets an earlier version kept in the store, moved to the key provider first. */
  secretsMoved: string[];
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function migrationFiles(folder: string): Promise<MigrationFile[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(folder, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies `prisma/migrations` in order, each in its own transaction, keeping
 * Prisma's `_prisma_migrations` table so that `prisma migrate status` agrees.
 * Refuses to run when an applied migration's file has since been edited.
 * Secrets an earlier version kept in the store are moved out first.
 */
export async function migrate(databaseUrl: string, folder = path.resolve("prisma/migrations")): Promise<MigrationResult> {
  const files = await migrationFiles(folder);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    const secretsMoved = await moveStoreSecrets(client);
    // Created only when missing: a copy whose role may not create tables can still check that nothing is pending.
    const { rows: existing } = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS table`);
    if (!existing[0]?.table) await client.query(`CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const applied: string[] = [];
    for (const file of files) {
      const recorded = done.get(file.name);
      if (recorded !== undefined) {
        if (recorded !== file.checksum) {
          throw new Error(`Migration ${file.name} was edited after it was applied; add a new migration instead.`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(file.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), file.checksum, file.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${file.name} failed: ${(error as Error).message}`);
      }
      applied.push(file.name);
    }
    return { applied, alreadyApplied: files.length - applied.length, secretsMoved };
  } finally {
    await client.end();
  }
}
