import { describe, expect, it } from "vitest";
import type { Client } from "../client";
import type { Invocation } from "../command";
import { UsageError } from "../usage-error";
import { haproxyConfigCommand } from "./haproxy";

const service = {
  replicas: [
    { id: "r1", name: "pg-a", role: "primary", host: "10.0.0.1", port: 5432 },
    { id: "r2", name: "pg-b", role: "standby", host: "10.0.0.2", port: 5432 },
  ],
};
const agents = [
  { replicaId: "r1", revokedAt: null, health: { host: "0.0.0.0", port: 8008, tls: false } },
  { replicaId: "r2", revokedAt: null, health: null },
];

function invoke(options: Invocation["options"], json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const client = {
    call: async (id: string) => {
      calls.push(id);
      return id === "getService" ? service : { agents };
    },
  } as unknown as Client;
  const invocation: Invocation = {
    args: ["orders-db"],
    options,
    json,
    client,
    io: { out: (text) => out.push(text), err: (text) => err.push(text), outBytes: async () => undefined, sleep: async () => undefined, now: () => new Date("2026-12-04T21:00:00.000Z") },
  };
  return { run: () => haproxyConfigCommand.run(invocation), out, err, calls };
}

describe("switchyard haproxy-config", () => {
  it("prints the configuration from the service's replicas and their agents, and says on stderr which replica it left out", async () => {
    const { run, out, err, calls } = invoke({ "write-port": "6000" });
    await run();
    expect(calls.sort()).toEqual(["getService", "listAgents"]);
    expect(out.join("\n")).toContain("    bind 127.0.0.1:6000");
    expect(out.join("\n")).toContain("    server pg-a 10.0.0.1:5432 check addr 10.0.0.1 port 8008");
    expect(out.join("\n")).toContain("written by `switchyard haproxy-config` from its topology at 2026-12-04T21:00:00.000Z");
    expect(err).toEqual([expect.stringMatching(/^left out: pg-b's agent serves no health endpoints/)]);
  });

  it("--json gives the configuration with what it left out", async () => {
    const { run, out } = invoke({}, true);
    await run();
    expect(JSON.parse(out.join(""))).toMatchObject({ serviceId: "orders-db", output: null, leftOut: [{ replica: "pg-b", rule: "no-health-endpoint" }], warnings: [] });
  });

  it("refuses ports and limits that make no configuration as usage mistakes, naming them", async () => {
    await expect(invoke({ "read-port": "http" }).run()).rejects.toThrow(new UsageError("--read-port http: must be a port number"));
    await expect(invoke({ "write-port": "5001" }).run()).rejects.toThrow(/both 5001/);
    await expect(invoke({ "max-lag": "a lot" }).run()).rejects.toThrow(UsageError);
  });
});
