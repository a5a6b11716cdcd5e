import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "@/server/store/migrate";
import { superuserDatabaseUrl } from "../support/sql";

const RULE_NAMES = "20261203190000_automation_rule_names";
const MIGRATIONS = path.resolve("prisma/migrations");

/** A database of its own on the test server, for a store migrated only part of the way. */
const name = `m_${randomBytes(6).toString("hex")}`;
const serverUrl = (database: string) => {
  const url = new URL(superuserDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

async function query<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await query("postgres", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe("naming the automation's rules", () => {
  it("moves stored decisions and the alerts naming a held-back decision to the names, and leaves every other alert alone", async () => {
    await query("postgres", `CREATE DATABASE ${name}`);
    const before = mkdtempSync(path.join(os.tmpdir(), "migrations-before-"));
    try {
      for (const migration of readdirSync(MIGRATIONS, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name < RULE_NAMES)) {
        cpSync(path.join(MIGRATIONS, migration.name), path.join(before, migration.name), { recursive: true });
      }
      await migrate(serverUrl(name), before);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    await query(name, `INSERT INTO "Service" (id, name, engine, "updatedAt") VALUES ('orders-db', 'orders-db', 'postgresql', now())`);
    await query(
      name,
      `INSERT INTO "AutomationDecision" ("serviceId", "ruleId", subject, diagnosis, action, sentence, since)
       VALUES ('orders-db', 'R8', 'replica-a', 'primary_unreachable_confirmed', '{"kind":"fail-over"}', 'fail over', now()),
              ('orders-db', 'R11', '', 'run_in_progress', '{"kind":"none"}', 'a run', now())`,
    );
    await query(
      name,
      `INSERT INTO "Alert" (id, "ruleId", "subjectKey", "subjectLabel", "serviceId", severity, state, sentence, "startedAt", "lastSeenAt")
       VALUES ('a1', 'automatic-failover-held', 'automation:R3', 'automation R3', 'orders-db', 'critical', 'firing', 'paused', now(), now()),
              ('a2', 'automatic-failover-held', 'automation:R15', 'automation R15', 'orders-db', 'critical', 'resolved', 'held', now(), now()),
              ('a3', 'automation-not-deciding', 'automation:decider', 'the decider', 'orders-db', 'critical', 'firing', 'stalled', now(), now()),
              ('a4', 'heartbeat-stale', 'replica:R3', 'R3', 'orders-db', 'critical', 'firing', 'stale', now(), now())`,
    );

    const result = await migrate(serverUrl(name));
    expect(result.applied[0]).toBe(RULE_NAMES);
    expect(await query(name, `SELECT "ruleId", subject FROM "AutomationDecision" ORDER BY "ruleId"`)).toEqual([
      { ruleId: "failover-automatic", subject: "replica-a" },
      { ruleId: "run-in-progress", subject: "" },
    ]);
    expect(await query(name, `SELECT id, "subjectKey", "subjectLabel" FROM "Alert" ORDER BY id`)).toEqual([
      { id: "a1", subjectKey: "automation:failover-paused", subjectLabel: "automation failover-paused" },
      { id: "a2", subjectKey: "automation:failover-maintenance-window", subjectLabel: "automation failover-maintenance-window" },
      { id: "a3", subjectKey: "automation:decider", subjectLabel: "the decider" },
      { id: "a4", subjectKey: "replica:R3", subjectLabel: "R3" },
    ]);
  });
});
