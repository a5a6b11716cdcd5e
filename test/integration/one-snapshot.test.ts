import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inOneSnapshot } from "@/server/db/one-snapshot";
import { ownerDatabaseUrl, ownerSql as sql } from "../support/sql";

/** inOneSnapshot: sessions that read side by side and agree, as one transaction's reads would (on a table of the test's own, as the schema's owner). */
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: ownerDatabaseUrl(), max: 2 });
  await sql(`CREATE TABLE IF NOT EXISTS "SnapshotProbe" (n int)`);
  await sql(`INSERT INTO "SnapshotProbe" VALUES (1)`);
});

afterAll(async () => {
  await pool.end();
  await sql(`DROP TABLE IF EXISTS "SnapshotProbe"`);
});

const count = async (client: pg.PoolClient) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "SnapshotProbe"`)).rows[0]!.n);

describe("reading in one snapshot over several sessions", () => {
  it("every session sees the store as it was when the first took its snapshot, whatever is committed meanwhile", async () => {
    const seen = await inOneSnapshot(pool, 2, async ([first, second]) => {
      const before = await count(first!);
      await sql(`INSERT INTO "SnapshotProbe" VALUES (2)`);
      return { first: before, second: await count(second!), firstAgain: await count(first!) };
    });
    expect(seen).toEqual({ first: 1, second: 1, firstAgain: 1 });
    expect(await inOneSnapshot(pool, 1, async ([only]) => count(only!))).toBe(2);
  });

  it("several callers taking every connection of the pool between them all finish, one after another", async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => inOneSnapshot(pool, 2, async ([first, second]) => (await count(first!)) + (await count(second!)) + n * 0)));
    expect(results).toEqual([4, 4, 4, 4]);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it("gives its connections back when the work fails, and says why", async () => {
    await expect(inOneSnapshot(pool, 2, async () => Promise.reject(new Error("the work failed")))).rejects.toThrow("the work failed");
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(await inOneSnapshot(pool, 2, async ([first]) => count(first!))).toBe(2);
  });
});
