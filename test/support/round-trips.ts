import pg from "pg";
import { vi } from "vitest";

/** SQL statements sent to PostgreSQL while `run` runs, through Prisma's driver and the pg pool alike. */
export async function roundTrips(run: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}
