import { afterAll, describe, expect, it } from "vitest";
import { PartlyMigratedStore } from "../support/partly-migrated-store";

const FACTS = "20261205091000_replica_state_facts";
const store = new PartlyMigratedStore(FACTS);

afterAll(() => store.drop());

const standbys = [
  { applicationName: "orders-b", clientAddr: "10.0.0.2", state: "streaming", syncState: "sync", flushLsn: "4096" },
  { applicationName: "orders-c", clientAddr: "10.0.0.3", state: "catchup", syncState: "async", flushLsn: "2048" },
];
const serving = {
  role: "primary",
  error: null,
  lsn: { current: "8192", received: null, replayed: null },
  walReceiver: null,
  settings: { synchronous_commit: "on", synchronous_standby_names: "FIRST 1 (orders_b)", default_transaction_read_only: "off" },
  standbys,
  slots: [{ name: "orders_b", active: true, retainedBytes: 512, walStatus: "reserved" }],
};
const lost = { role: null, error: "connection refused", lsn: { current: null, received: null, replayed: null }, walReceiver: null, settings: null, standbys: [], slots: [] };
const streaming = { ...serving, role: "standby", lsn: { current: null, received: "8192", replayed: "8192" }, walReceiver: { status: "streaming" }, settings: { ...serving.settings, synchronous_standby_names: "" }, standbys: [], slots: [] };

describe("keeping each report's facts beside it", () => {
  it("computes them for the latest states already stored, a lost primary's from what it last said while it answered", async () => {
    await store.create();
    await store.query(`INSERT INTO "Region" (id, cloud, code, jurisdiction, "displayName") VALUES ('aws-eu-west-1', 'aws', 'eu-west-1', 'EU', 'Ireland')`);
    await store.query(`INSERT INTO "Service" (id, name, engine, "updatedAt") VALUES ('orders-db', 'orders-db', 'postgresql', now())`);
    await store.query(
      `INSERT INTO "Replica" (id, "serviceId", "regionId", name, role, engine, host, port, "databaseName", replication, "updatedAt")
       SELECT n, 'orders-db', 'aws-eu-west-1', n, CASE n WHEN 'orders-a' THEN 'primary' ELSE 'standby' END::"ReplicaRole", 'postgresql', 'localhost', 5432, 'orders', 'sync', now()
         FROM unnest(ARRAY['orders-a', 'orders-b']) n`,
    );
    const state = `INSERT INTO "ReplicaState" ("replicaId", "agentId", "lastSeq", "observedAt", "receivedAt", reachable, "recoveryConflicts", "logicalConflicts", report, "lastServingReport", "lastServingAt")
                   VALUES ($1, 'agent', 1, now(), now(), $2, 0, 0, $3, $4, now())`;
    await store.query(state, ["orders-a", false, JSON.stringify(lost), JSON.stringify(serving)]);
    await store.query(state, ["orders-b", true, JSON.stringify(streaming), JSON.stringify(streaming)]);

    await store.migrateTheRest();

    const tuples = [["orders-b", "streaming", "sync"], ["orders-c", "catchup", "async"]];
    expect(await store.query(`SELECT "replicaId", facts, "lastServingFacts" FROM "ReplicaState" ORDER BY "replicaId"`)).toEqual([
      { replicaId: "orders-a", facts: ["connection refused", null, null, null, null], lastServingFacts: [tuples, "8192"] },
      { replicaId: "orders-b", facts: [null, "streaming", ["on", "", "off"], null, null], lastServingFacts: [null, null] },
    ]);
  });

  it("writes them again with every report, whoever writes it", async () => {
    await store.query(`UPDATE "ReplicaState" SET report = $1, reachable = true, "lastServingReport" = $1 WHERE "replicaId" = 'orders-a'`, [JSON.stringify(serving)]);
    const [row] = await store.query(`SELECT facts, "lastServingFacts" FROM "ReplicaState" WHERE "replicaId" = 'orders-a'`);
    const tuples = [["orders-b", "streaming", "sync"], ["orders-c", "catchup", "async"]];
    expect(row).toEqual({ facts: [null, null, ["on", "FIRST 1 (orders_b)", "off"], tuples, [["orders_b", 512]]], lastServingFacts: [tuples, "8192"] });
  });
});
