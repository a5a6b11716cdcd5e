/**
 * `npm run db:diff -- <name> [git ref]`: writes the migration from the schema
 * as committed at <git ref> (default HEAD) to the working prisma/schema.prisma,
 * as prisma/migrations/<UTC timestamp>_<name>/migration.sql. Commit each schema
 * change together with its migration so that HEAD's schema is what the
 * migrations build.
 *
 * Prisma 6.19's JS schema engine (the only one this project's machines can
 * run) cannot diff against a live database or a shadow database through a
 * driver adapter, hence schema-to-schema; it still wants a database to
 * connect to, so a throwaway embedded PostgreSQL is started for it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedStore } from "@/server/store/embedded-store";

const [name, ref = "HEAD"] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <name in snake_case> [git ref]");
  process.exit(2);
}

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-diff-"));
chmodSync(dir, 0o755);
const previous = path.join(dir, "previous.prisma");
writeFileSync(previous, execFileSync("git", ["show", `${ref}:prisma/schema.prisma`]));
const store = await startEmbeddedStore(dir);
try {
  const out = path.join(dir, "next.sql");
  const result = spawnSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", "prisma/schema.prisma", "--script", "--exit-code", "-o", out],
    { stdio: "inherit", env: { ...process.env, DATABASE_URL: store.migrationUrl } },
  );
  if (result.status === 0) {
    console.log(`prisma/schema.prisma is unchanged since ${ref}; nothing to write.`);
  } else if (result.status === 2) {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const folder = path.join("prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "migration.sql"), readFileSync(out));
    console.log(`Wrote ${folder}/migration.sql; review it, then run \`npx prisma generate\`.`);
  } else {
    process.exitCode = 1;
  }
} finally {
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}
