import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newLabState, writeLabState } from "@/lab/state";
import { canaryCredentials, canaryVariable } from "@/server/drills/canary-credentials";

const saved = process.env.SWITCHYARD_DATA_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.SWITCHYARD_DATA_DIR;
  else process.env.SWITCHYARD_DATA_DIR = saved;
});

describe("canaryCredentials", () => {
  it("names the setting after the service", () => {
    expect(canaryVariable("orders-db")).toBe("SWITCHYARD_DRILL_CANARY_ORDERS_DB");
  });

  it("takes user, password and database from the configured connection string, and says where from without the secret", async () => {
    const env = { SWITCHYARD_DRILL_CANARY_BILLING_DB: "postgresql://canary:s%40cret@ignored.example:6543/billing" };
    const credentials = await canaryCredentials("billing-db", env);
    expect(credentials).toEqual({ user: "canary", password: "s@cret", database: "billing", source: "the SWITCHYARD_DRILL_CANARY_BILLING_DB setting" });
    expect(credentials!.source).not.toContain("s@cret");
    expect(await canaryCredentials("billing-db", { SWITCHYARD_DRILL_CANARY_BILLING_DB: "not a url" })).toBeNull();
  });

  it("uses the lab's superuser for the lab's services when a lab runs in the data folder, and nothing otherwise", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "canary-credentials-"));
    process.env.SWITCHYARD_DATA_DIR = dataDir;
    expect(await canaryCredentials("orders-db", {})).toBeNull();
    const lab = newLabState();
    await writeLabState(dataDir, lab);
    expect(await canaryCredentials("orders-db", {})).toEqual({ user: "postgres", password: lab.password, database: null, source: "the lab's credentials" });
    expect(await canaryCredentials("payments-db", {})).toMatchObject({ user: "postgres", password: lab.password });
    expect(await canaryCredentials("billing-db", {})).toBeNull();
  });
});
