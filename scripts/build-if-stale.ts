import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "client", "components", "contracts", "core", "server", "prisma/schema.prisma", "prisma/seed", "proxy.ts", "instrumentation.ts", "next.config.ts", "tsconfig.json", "package-lock.json"];
const STAMP = path.join(".next", "switchyard-source-hash");

function files(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry).flatMap((child) => files(path.join(entry, child)));
}

/** Hash of everything the production build is made from. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of SOURCES.flatMap(files).sort()) {
    hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Builds the Next.js app unless the last build was made from exactly these
 * sources, so `npm start` on a fresh clone builds once and restarts are quick.
 */
export function buildIfStale(log: (line: string) => void): void {
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === hash) return;
  log("building the control plane (first start or changed sources)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed; see the output above");
  writeFileSync(STAMP, `${hash}\n`);
}
