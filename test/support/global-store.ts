import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedStore } from "@/server/store/embedded-store";

declare module "vitest" {
  export interface ProvidedContext {
    storeUrl: string;
  }
}

/**
 * One real PostgreSQL for the integration run: the embedded server from npm,
 * exactly as `npm start` runs it, or TEST_DATABASE_URL's server when set.
 * Each test file gets a database of its own on it (fresh-database.ts).
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("storeUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-test-"));
  // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
  chmodSync(dir, 0o755);
  const store = await startEmbeddedStore(dir);
  project.provide("storeUrl", store.url);
  return async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
