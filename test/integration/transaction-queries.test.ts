import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb, db } from "@/server/db/client";
import { PrismaClient } from "@/server/db/generated/client";

/**
 * Every query node-postgres is asked to send while the same connection still
 * has one under way: what it queues with a DeprecationWarning today and
 * refuses from pg 9 on.
 */
const overlaps: string[] = [];
const inFlight = new WeakMap<pg.Client, number>();
const send = pg.Client.prototype.query;

beforeAll(() => {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const busy = inFlight.get(this) ?? 0;
    if (busy > 0) overlaps.push(String((args[0] as { text?: string }).text ?? args[0]));
    inFlight.set(this, busy + 1);
    const settled = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    // pg-pool's own queries pass a callback and get nothing back; Prisma's get a promise.
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (...results: unknown[]) => {
        settled();
        return (callback as (...results: unknown[]) => unknown)(...results);
      };
    }
    const result = (send as (...args: unknown[]) => unknown).apply(this, args) as Promise<unknown> | undefined;
    if (typeof callback !== "function") void result?.then(settled, settled);
    return result;
  } as typeof send;
});
afterAll(() => {
  pg.Client.prototype.query = send;
});
afterEach(() => {
  overlaps.length = 0;
});

/** A user's record with three relations of its own, read in a transaction: Prisma loads the three at once. */
async function readUserWithRelations(client: PrismaClient, id: string) {
  return client.$transaction(async (tx) => tx.user.findUnique({ where: { id }, include: { apiTokens: true, approvals: true, roleScopes: true } }));
}

describe("a transaction's queries on its one connection", () => {
  it("are sent one at a time by the control plane's client, and the transaction still reads and commits", async () => {
    const user = await db().user.create({ data: { email: `one-at-a-time-${Date.now()}@switchyard.local`, passwordHash: "not-a-real-hash" } });
    const client = createDb(process.env.DATABASE_URL!, 2);
    try {
      const read = await readUserWithRelations(client, user.id);
      expect(read).toMatchObject({ id: user.id, apiTokens: [], approvals: [], roleScopes: [] });
      const renamed = await client.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { name: "Renamed" } });
        return tx.user.findUnique({ where: { id: user.id }, include: { apiTokens: true, approvals: true } });
      });
      expect(renamed?.name).toBe("Renamed");
      await expect(client.$transaction(async (tx) => Promise.all([tx.user.count(), tx.user.findMany({ include: { apiTokens: true, roleScopes: true } })]))).resolves.toHaveLength(2);
    } finally {
      await client.$disconnect();
    }
    expect(overlaps).toEqual([]);
  });

  it("overlap with Prisma's adapter as it is (when this fails, Prisma sends them one at a time itself and server/db/one-query-per-transaction.ts can go)", async () => {
    const user = await db().user.create({ data: { email: `overlapping-${Date.now()}@switchyard.local`, passwordHash: "not-a-real-hash" } });
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 2 }) });
    try {
      await readUserWithRelations(client, user.id);
    } finally {
      await client.$disconnect();
    }
    expect(overlaps.length).toBeGreaterThan(0);
  });
});
