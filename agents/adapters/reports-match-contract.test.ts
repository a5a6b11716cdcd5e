import { describe, expect, it } from "vitest";
import { agentReportSchema } from "@/contracts/agent-reports";
import { MariadbAdapter } from "../mariadb/mariadb-adapter";
import { unreachableObservation } from "./engine-adapter";
import { PostgresAdapter } from "./postgres-adapter";
import { simulatedReport } from "./simulated-adapter";
import { SIMULATION_PROFILE_NAMES } from "./simulation-profiles";

const envelope = { seq: 1, observedAt: "2026-11-26T04:00:00.000Z", peers: [] };

describe("every report an adapter produces passes the contract", () => {
  it("simulated: every profile and role over thousands of ticks, outages included", () => {
    let outages = 0;
    for (const profile of SIMULATION_PROFILE_NAMES) {
      for (const role of ["primary", "standby"] as const) {
        for (let tick = 0; tick < 3000; tick += 1) {
          const report = simulatedReport(17, tick, role, { profile });
          const result = agentReportSchema.safeParse(report);
          if (!result.success) throw new Error(`${profile}/${role} tick ${tick}: ${result.error.message}`);
          if (!report.reachable) outages += 1;
        }
      }
    }
    expect(outages).toBeGreaterThan(0);
  });

  it("postgresql, when the server cannot be reached", async () => {
    const adapter = new PostgresAdapter("postgresql://switchyard@127.0.0.1:1/postgres", 500);
    const observation = await adapter.probe();
    await adapter.close();
    expect(observation.reachable).toBe(false);
    expect(observation.error).toMatch(/ECONNREFUSED/);
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });

  it("mariadb, when the server cannot be reached", async () => {
    const adapter = new MariadbAdapter("mariadb://switchyard@127.0.0.1:1/switchyard", 500);
    const observation = await adapter.probe();
    await adapter.close();
    expect(observation).toMatchObject({ engine: "mariadb", reachable: false });
    expect(observation.error).toMatch(/ECONNREFUSED/);
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });

  it("an unreachable observation with a very long error", () => {
    const observation = unreachableObservation("postgresql", "e".repeat(5000));
    expect(agentReportSchema.safeParse({ ...envelope, ...observation }).success).toBe(true);
  });
});
