import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadAgentConfig, parseAgentConfig, reportClock } from "./config";

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
  it("names each wrong field and what is wrong with it, in English, though the agent loads only zod/mini", () => {
    expect(problem({ ...valid, token: "", intervalMs: 50, intervalMS: 1, replica: { ...valid.replica, engine: "oracle" } })).toBe(
      `invalid agent config ${FILE}: token: Too small: expected string to have >=1 characters; ` +
        "replica.engine: Invalid discriminator value. Expected 'postgresql' | 'mariadb' | 'simulated'; " +
        'intervalMs: Too small: expected number to be >=100; (root): Unrecognized key: "intervalMS"',
    );
  });

  it("fills in the documented defaults", () => {
    const config = parseAgentConfig(valid, FILE);
    expect(config).toMatchObject({
      intervalMs: 1000,
      probeTimeoutMs: 2000,
      peers: [],
      queue: { dir: "/etc/switchyard/queue", maxBytes: 64 * 1024 * 1024 },
      metrics: { port: 0, host: "127.0.0.1" },
      health: { port: 0, host: "127.0.0.1" },
    });
    expect(config.health.tls).toBeUndefined();
  });

  it("takes the health endpoints' port, host and TLS files, resolved next to the config file", () => {
    const config = parseAgentConfig({ ...valid, health: { port: 8008, host: "0.0.0.0", tls: { certFile: "tls/health.pem", keyFile: "/keys/health.key" } } }, FILE);
    expect(config.health).toEqual({ port: 8008, host: "0.0.0.0", tls: { certFile: "/etc/switchyard/tls/health.pem", keyFile: "/keys/health.key" } });
    expect(problem({ ...valid, health: { port: 70_000 } })).toMatch(/health\.port: /);
    expect(problem({ ...valid, health: { port: 8008, tls: { certFile: "c.pem" } } })).toMatch(/health\.tls\.keyFile: /);
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

  it("takes where a MariaDB rebuild keeps the old data, but not whether to rebuild: that is the service's policy's, sent signed in the command", () => {
    const mariadb = { name: "sessions-eu", regionId: "aws:eu-west-1", engine: "mariadb", connectionString: "mariadb://monitor:m@127.0.0.1:3306/sessions" };
    expect(parseAgentConfig({ ...valid, replica: { ...mariadb, formerDataDir: "/var/lib/former" } }, FILE).replica).toEqual({ ...mariadb, formerDataDir: "/var/lib/former" });
    expect(problem({ ...valid, replica: { ...mariadb, errantTransactions: "rebuild" } })).toContain("errantTransactions");
  });

  describe("commands", () => {
    const pem = (type: "ed25519" | "rsa", part: "publicKey" | "privateKey" = "publicKey") => {
      const pair = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ed25519");
      return pair[part].export({ type: part === "publicKey" ? "spki" : "pkcs8", format: "pem" }).toString();
    };

    it("are off unless configured, and poll every 25 s by default when they are", () => {
      expect(parseAgentConfig(valid, FILE).commands).toBeUndefined();
      const publicKey = pem("ed25519");
      const config = parseAgentConfig({ ...valid, commands: { publicKey }, replication: { user: "replicator", password: "secret" } }, FILE);
      expect(config.commands).toEqual({ publicKey, pollSeconds: 25 });
      expect(config.replication).toEqual({ user: "replicator", password: "secret" });
    });

    it.each([
      [{ publicKey: "not a key" }, /commands\.publicKey: must be an SPKI PEM public key/],
      [{ publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" }, /commands\.publicKey: is not a readable public key/],
      [{ publicKey: pem("rsa") }, /commands\.publicKey: must be an Ed25519 key, not rsa/],
      [{ publicKey: pem("ed25519", "privateKey") }, /commands\.publicKey: must be an SPKI PEM public key/],
      [{ publicKey: pem("ed25519"), pollSeconds: 60 }, /commands\.pollSeconds: /],
    ])("refuse a key or setting they cannot use (%#)", (commands, expected) => {
      expect(problem({ ...valid, commands })).toMatch(expected);
    });

    it("name incomplete replication credentials", () => {
      expect(problem({ ...valid, replication: { user: "replicator" } })).toContain("replication.password: ");
    });

    it("refuse a replication password that postgresql.auto.conf could not hold", () => {
      expect(problem({ ...valid, replication: { user: "replicator", password: "secret\nrestore_command='x'" } })).toMatch(/replication\.password: must not contain a line break/);
    });

    it("take the addresses a region reaches primaries by, as host:port on both sides", () => {
      const via = { "127.0.0.1:14431": "127.0.0.1:61004", "[::1]:5432": "db-proxy.internal:6432" };
      expect(parseAgentConfig({ ...valid, replication: { user: "replicator", password: "secret", via } }, FILE).replication?.via).toEqual(via);
      expect(problem({ ...valid, replication: { user: "replicator", password: "secret", via: { "127.0.0.1": "127.0.0.1:61004" } } })).toMatch(/replication\.via\.127\.0\.0\.1: \(the key\) must be host:port/);
      expect(problem({ ...valid, replication: { user: "replicator", password: "secret", via: { "127.0.0.1:5432": "127.0.0.1:99999" } } })).toMatch(/replication\.via\.127\.0\.0\.1:5432: the port must be between 1 and 65535/);
    });
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

  it("stamps reports with a clock shifted by SWITCHYARD_AGENT_CLOCK_OFFSET_MS, a lab fault", () => {
    const skewed = reportClock({ SWITCHYARD_AGENT_CLOCK_OFFSET_MS: "-90000" })().getTime() - Date.now();
    expect(skewed).toBeGreaterThan(-90_000 - 1_000);
    expect(skewed).toBeLessThanOrEqual(-90_000);
    expect(Math.abs(reportClock({})().getTime() - Date.now())).toBeLessThan(1_000);
    expect(() => reportClock({ SWITCHYARD_AGENT_CLOCK_OFFSET_MS: "1.5s" })).toThrow(/whole number of milliseconds, not "1\.5s"/);
  });
});
