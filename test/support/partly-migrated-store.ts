import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "@/server/store/migrate";
import { superuserDatabaseUrl } from "./sql";

const MIGRATIONS = path.resolve("prisma/migrations");

const urlOf = (database: string) => {
  const url = new URL(superuserDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

/** A statement on one database of the test server, as its superuser, on a connection of its own. */
export async function queryDatabase<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A database of its own on the test server, migrated only up to (not
 * including) one migration, so that a test can store rows of the shape
 * before it and then see what that migration makes of them.
 */
export class PartlyMigratedStore {
  readonly name = `m_${randomBytes(6).toString("hex")}`;

  constructor(private readonly upTo: string) {}

  get url(): string {
    return urlOf(this.name);
  }

  async create(): Promise<void> {
    await queryDatabase("postgres", `CREATE DATABASE ${this.name}`);
    const before = mkdtempSync(path.join(os.tmpdir(), "migrations-before-"));
    try {
      for (const migration of readdirSync(MIGRATIONS, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name < this.upTo)) {
        cpSync(path.join(MIGRATIONS, migration.name), path.join(before, migration.name), { recursive: true });
      }
      await migrate(this.url, before);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  }

  query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.name, sql, values);
  }

  /** The rest of the migrations, the one named first among them. */
  migrateTheRest(): ReturnType<typeof migrate> {
    return migrate(this.url);
  }

  async drop(): Promise<void> {
    await queryDatabase("postgres", `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }
}
