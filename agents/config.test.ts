import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, configPath, loadAgentConfig, parseAgentConfig } from "./config";

const valid = {
  controlPlaneUrl: "http://127.0.0.1:3000",
  token: "sy_agent_token",
  agentName: "eu-west-1-agent",
  replica: { name: "orders-eu", regionId: "aws:eu-west-1", engine: "postgresql", connectionString: "postgresql://monitor@127.0.0.1:5432/postgres" },
  queue: { dir: "queue" },
};

const FILE = "/etc/switchyard/agent.json";

function problem(raw: unknown): string {
  try {
    parseAgentConfig(raw, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("agent config", () => {
  it("fills in the documented defaults", () => {
    const config = parseAgentConfig(valid, FILE);
    expect(config).toMatchObject({
      intervalMs: 1000,
      probeTimeoutMs: 2000,
      peers: [],
      queue: { dir: "/etc/switchyard/queue", maxBytes: 64 * 1024 * 1024 },
      metrics: { port: 0, host: "127.0.0.1" },
    });
  });

  it("accepts a simulated replica, standby and steady unless told otherwise", () => {
    const config = parseAgentConfig({ ...valid, replica: { name: "sim-1", regionId: "sim:a", engine: "simulated", seed: 7 } }, FILE);
    expect(config.replica).toEqual({ name: "sim-1", regionId: "sim:a", engine: "simulated", seed: 7, role: "standby", profile: "steady" });
  });

  it.each([
    [{ ...valid, replica: { ...valid.replica, connectionString: undefined } }, "replica.connectionString"],
    [{ ...valid, replica: { ...valid.replica, engine: "mysql" } }, "replica.engine"],
    [{ ...valid, replica: { name: "sim", regionId: "r", engine: "simulated" } }, "replica.seed"],
    [{ ...valid, controlPlaneUrl: "ftp://control-plane" }, "controlPlaneUrl"],
    [{ ...valid, token: "" }, "token"],
    [{ ...valid, intervalMs: 10 }, "intervalMs"],
    [{ ...valid, queue: { dir: "q", maxBytes: 100 } }, "queue.maxBytes"],
    [{ ...valid, peers: [{ replica: "us", regionId: "aws:us-east-1" }] }, "peers.0.connectionString"],
    [{ ...valid, metrics: { port: 70000 } }, "metrics.port"],
  ])("names the field at fault (%#: %s)", (raw, field) => {
    expect(problem(raw)).toContain(`${field}: `);
  });

  it("names an unknown field", () => {
    expect(problem({ ...valid, intervalMS: 500 })).toContain("intervalMS");
  });

  describe("from a file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-config-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("reads JSON and resolves the queue folder next to the file", () => {
      const file = path.join(dir, "agent.json");
      writeFileSync(file, JSON.stringify(valid));
      expect(loadAgentConfig(file).queue.dir).toBe(path.join(dir, "queue"));
    });

    it("says when the file is not JSON or not there", () => {
      const file = path.join(dir, "broken.json");
      writeFileSync(file, "{ controlPlaneUrl: ");
      expect(() => loadAgentConfig(file)).toThrow(/broken\.json is not valid JSON/);
      expect(() => loadAgentConfig(path.join(dir, "missing.json"))).toThrow(/cannot read agent config .*missing\.json/);
    });
  });

  it("takes the file from the first argument, else from SWITCHYARD_AGENT_CONFIG", () => {
    expect(configPath(["node", "agent", "/a.json"], { SWITCHYARD_AGENT_CONFIG: "/b.json" })).toBe("/a.json");
    expect(configPath(["node", "agent"], { SWITCHYARD_AGENT_CONFIG: "/b.json" })).toBe("/b.json");
    expect(() => configPath(["node", "agent"], {})).toThrow(/SWITCHYARD_AGENT_CONFIG/);
  });
});
