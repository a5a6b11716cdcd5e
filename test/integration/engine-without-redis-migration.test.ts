import { afterAll, describe, expect, it } from "vitest";
import { PartlyMigratedStore } from "../support/partly-migrated-store";

const WITHOUT_REDIS = "20261204163606_engine_without_redis";
const holdingRedis = new PartlyMigratedStore(WITHOUT_REDIS);
const withoutRedis = new PartlyMigratedStore(WITHOUT_REDIS);

afterAll(() => Promise.all([holdingRedis.drop(), withoutRedis.drop()]));

const REGION = `INSERT INTO "Region" (id, cloud, code, jurisdiction, "displayName") VALUES ('aws-eu-west-1', 'aws', 'eu-west-1', 'EU', 'Ireland')`;

describe("dropping redis from the engines", () => {
  it("refuses a store holding a Redis service or replica, naming them, and changes nothing", async () => {
    await holdingRedis.create();
    await holdingRedis.query(REGION);
    await holdingRedis.query(`INSERT INTO "Service" (id, name, engine, "updatedAt") VALUES ('cache', 'cache', 'redis', now()), ('orders-db', 'orders-db', 'postgresql', now())`);
    await holdingRedis.query(
      `INSERT INTO "Replica" (id, "serviceId", "regionId", name, role, engine, host, port, "databaseName", replication, "updatedAt")
       VALUES ('cache-a', 'cache', 'aws-eu-west-1', 'cache-a', 'primary', 'redis', 'localhost', 6379, '0', 'async', now())`,
    );

    await expect(holdingRedis.migrateTheRest()).rejects.toThrow(
      `Migration ${WITHOUT_REDIS} failed: The store holds Redis, which this version cannot manage (services: cache; replicas: cache-a); remove them before upgrading`,
    );
    expect(await holdingRedis.query(`SELECT id, engine::text FROM "Service" ORDER BY id`)).toEqual([
      { id: "cache", engine: "redis" },
      { id: "orders-db", engine: "postgresql" },
    ]);
  });

  it("keeps every other engine and its rows", async () => {
    await withoutRedis.create();
    await withoutRedis.query(REGION);
    await withoutRedis.query(`INSERT INTO "Service" (id, name, engine, "updatedAt") VALUES ('orders-db', 'orders-db', 'postgresql', now()), ('load', 'load', 'simulated', now())`);
    await withoutRedis.query(
      `INSERT INTO "Replica" (id, "serviceId", "regionId", name, role, engine, host, port, "databaseName", replication, "updatedAt")
       VALUES ('orders-a', 'orders-db', 'aws-eu-west-1', 'orders-a', 'primary', 'postgresql', 'localhost', 5432, 'orders', 'sync', now())`,
    );

    const result = await withoutRedis.migrateTheRest();
    expect(result.applied[0]).toBe(WITHOUT_REDIS);
    expect(await withoutRedis.query(`SELECT unnest(enum_range(NULL::"Engine"))::text AS engine`)).toEqual([
      { engine: "postgresql" },
      { engine: "mysql" },
      { engine: "simulated" },
      // Added by a later migration (20261208120000_engine_mariadb), applied with the rest.
      { engine: "mariadb" },
    ]);
    expect(await withoutRedis.query(`SELECT id, engine::text FROM "Service" ORDER BY id`)).toEqual([
      { id: "load", engine: "simulated" },
      { id: "orders-db", engine: "postgresql" },
    ]);
    expect(await withoutRedis.query(`SELECT id, engine::text FROM "Replica"`)).toEqual([{ id: "orders-a", engine: "postgresql" }]);
  });
});
