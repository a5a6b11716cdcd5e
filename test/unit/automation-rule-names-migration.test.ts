import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NUMBERED_RULE_IDS } from "@/core/automation/numbered-rule-ids";

const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");

describe("the migration that named the automation's rules", () => {
  it("moves stored decisions and alerts by the pairs the code translates audit events with", () => {
    const folder = readdirSync(MIGRATIONS).find((name) => name.endsWith("_automation_rule_names"));
    const sql = readFileSync(path.join(MIGRATIONS, folder!, "migration.sql"), "utf8");
    const pairs = Object.fromEntries([...sql.matchAll(/\('(R\d+)', '([a-z-]+)'\)/g)].map((match) => [match[1], match[2]]));
    expect(pairs).toEqual(NUMBERED_RULE_IDS);
  });
});
