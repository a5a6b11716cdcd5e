import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { lockDataDir } from "@/server/store/data-dir-lock";
import { startEmbeddedStore } from "@/server/store/embedded-store";

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-store-"));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("the embedded store", () => {
  it("is real PostgreSQL from the npm package, and its data survives a restart", async () => {
    const first = await startEmbeddedStore(dir);
    const [version] = await query<{ server_version_num: string }>(first.url, "SHOW server_version_num");
    expect(Number(version?.server_version_num)).toBeGreaterThanOrEqual(180000);
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    await first.stop();
    await expect(query(first.url, "SELECT 1")).rejects.toThrow();

    const second = await startEmbeddedStore(dir);
    try {
      expect(await query(second.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("refuses a second running copy on the same data folder", () => {
    const release = lockDataDir(dir);
    try {
      // This (live) test process holds the folder; another copy must be refused.
      expect(() => lockDataDir(dir, process.pid + 1_000_000)).toThrow(/Another Switchyard \(pid \d+\) is using/);
    } finally {
      release();
    }
    // Released: the next copy may start.
    lockDataDir(dir, process.pid + 1_000_000)();
  });
});
