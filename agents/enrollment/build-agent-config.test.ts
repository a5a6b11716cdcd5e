import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import { ConfigError } from "../config";
import { loadAgentState, loadControlPlaneConfig, saveAgentState, saveControlPlaneConfig, type AgentState } from "./agent-state";
import { buildAgentConfig, peerConnectionString } from "./build-agent-config";

const publicKey = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();

const state: AgentState = {
  controlPlaneUrl: "https://cp.example.com",
  agentId: "a1",
  agentName: "agent-pg-eu",
  replicaId: "r1",
  token: "sya_secret",
  commandKey: { publicKey, fingerprint: "AA:BB" },
  enrolledAt: "2026-12-02T12:00:00.000Z",
  host: {
    postgres: "postgresql://monitor:p%40ss@127.0.0.1:5432/postgres?sslmode=disable",
    commandsPostgres: "postgresql://postgres:pw@127.0.0.1:5432/postgres",
    replication: { user: "replicator", password: "rp" },
    via: { "10.0.0.2:5432": "127.0.0.1:6002" },
    server: { dataDir: "/var/lib/postgresql/18/main", binDir: "/usr/lib/postgresql/18/bin", inPlaceRestart: { enabled: true, maxRestarts: 3, withinMinutes: 10 } },
    metrics: { port: 9464, host: "127.0.0.1" },
    health: { port: 8008, host: "0.0.0.0", tls: { certFile: "/etc/switchyard/health.pem", keyFile: "/etc/switchyard/health.key" } },
  },
};

const remote: AgentRuntimeConfig = {
  revision: "r-1",
  agentName: "agent-pg-eu",
  replica: { name: "pg-eu", regionId: "aws:eu-west-1", engine: "postgresql", host: "10.0.0.1", port: 5432, database: "orders" },
  peers: [
    { replica: "pg-us", regionId: "aws:us-east-1", host: "10.0.0.2", port: 5432, database: "orders" },
    { replica: "pg-ap", regionId: "gcp:asia-east1", host: "10.0.0.3", port: 5433, database: "orders db" },
  ],
  intervalMs: 1000,
  probeTimeoutMs: 2000,
};

describe("an enrolled agent's runtime config", () => {
  it("joins the control plane's replica, peers and intervals to the host's settings and the pinned key", () => {
    const config = buildAgentConfig(state, remote, "/var/lib/switchyard-agent");
    expect(config).toMatchObject({
      controlPlaneUrl: "https://cp.example.com",
      token: "sya_secret",
      agentName: "agent-pg-eu",
      replica: { name: "pg-eu", regionId: "aws:eu-west-1", engine: "postgresql", connectionString: state.host.postgres },
      intervalMs: 1000,
      probeTimeoutMs: 2000,
      queue: { dir: "/var/lib/switchyard-agent/queue" },
      metrics: { port: 9464, host: "127.0.0.1" },
      health: { port: 8008, host: "0.0.0.0", tls: { certFile: "/etc/switchyard/health.pem", keyFile: "/etc/switchyard/health.key" } },
      commands: { publicKey, pollSeconds: 25, connectionString: "postgresql://postgres:pw@127.0.0.1:5432/postgres" },
      replication: { user: "replicator", password: "rp", via: { "10.0.0.2:5432": "127.0.0.1:6002" } },
      server: { dataDir: "/var/lib/postgresql/18/main", binDir: "/usr/lib/postgresql/18/bin" },
    });
  });

  it("reaches each peer with the monitoring role's credentials and options, at the peer's address or the one `via` maps it to", () => {
    const config = buildAgentConfig(state, remote, "/s");
    expect(config.peers).toEqual([
      { replica: "pg-us", regionId: "aws:us-east-1", connectionString: "postgresql://monitor:p%40ss@127.0.0.1:6002/orders?sslmode=disable" },
      { replica: "pg-ap", regionId: "gcp:asia-east1", connectionString: "postgresql://monitor:p%40ss@10.0.0.3:5433/orders%20db?sslmode=disable" },
    ]);
    expect(peerConnectionString("postgresql://m@[::1]:5432/postgres", { host: "::2", port: 5433, database: "d" }, { "[::2]:5433": "[::3]:6000" })).toBe("postgresql://m@[::3]:6000/d");
  });

  it("leaves out what the host did not give: no commands role, no replication, no server", () => {
    const bare = { ...state, host: { postgres: state.host.postgres, metrics: { port: 0, host: "127.0.0.1" }, health: { port: 0, host: "127.0.0.1" } } };
    const config = buildAgentConfig(bare, remote, "/s");
    expect(config.commands).toEqual({ publicKey, pollSeconds: 25 });
    expect(config.replication).toBeUndefined();
    expect(config.server).toBeUndefined();
  });

  it("refuses a replica of an engine no enrolled agent watches", () => {
    expect(() => buildAgentConfig(state, { ...remote, replica: { ...remote.replica, engine: "mysql" } }, "/s")).toThrow(ConfigError);
  });
});

describe("an enrolled MariaDB agent's runtime config", () => {
  const mariadbState: AgentState = {
    ...state,
    host: {
      mariadb: "mariadb://switchyard_monitor:m@127.0.0.1:3306/sessions",
      commandsMariadb: "mariadb://switchyard:a@127.0.0.1:3306/sessions",
      replication: { user: "replicator", password: "rp" },
      metrics: { port: 0, host: "127.0.0.1" },
      health: { port: 0, host: "127.0.0.1" },
    },
  };
  const mariadbRemote: AgentRuntimeConfig = {
    ...remote,
    replica: { ...remote.replica, name: "sessions-eu", engine: "mariadb", port: 3306, database: "sessions" },
    peers: [
      { replica: "sessions-us", regionId: "aws:us-east-1", host: "10.0.0.2", port: 3306, database: "sessions" },
      { replica: "sessions-ap", regionId: "gcp:asia-east1", host: "10.0.0.3", port: 3307, database: "sessions" },
    ],
  };

  it("watches the replica through the monitoring user, runs commands as the commands user, and witnesses its peers over MariaDB as that user", () => {
    const config = buildAgentConfig(mariadbState, mariadbRemote, "/s");
    expect(config).toMatchObject({
      replica: { name: "sessions-eu", engine: "mariadb", connectionString: "mariadb://switchyard_monitor:m@127.0.0.1:3306/sessions" },
      commands: { publicKey, pollSeconds: 25, connectionString: "mariadb://switchyard:a@127.0.0.1:3306/sessions" },
      replication: { user: "replicator", password: "rp" },
      peers: [
        { replica: "sessions-us", regionId: "aws:us-east-1", connectionString: "mariadb://switchyard_monitor:m@10.0.0.2:3306/sessions" },
        { replica: "sessions-ap", regionId: "gcp:asia-east1", connectionString: "mariadb://switchyard_monitor:m@10.0.0.3:3307/sessions" },
      ],
    });
    expect(config.server).toBeUndefined();
    expect(config.replica).not.toHaveProperty("formerDataDir");
  });

  it("gives the replica the folder a rebuild dumps its old data to when the host named one", () => {
    const config = buildAgentConfig({ ...mariadbState, host: { ...mariadbState.host, formerDataDir: "/var/lib/switchyard/former" } }, mariadbRemote, "/s");
    expect(config.replica).toMatchObject({ engine: "mariadb", formerDataDir: "/var/lib/switchyard/former" });
  });

  it("names the flag to fix when the host's server and the replica's engine differ", () => {
    expect(() => buildAgentConfig(state, mariadbRemote, "/s")).toThrow("replica sessions-eu runs mariadb, but this host was enrolled with --postgres: run switchyard-agent configure with --mariadb");
    expect(() => buildAgentConfig(mariadbState, remote, "/s")).toThrow("replica pg-eu runs postgresql, but this host was enrolled with --mariadb: run switchyard-agent configure with --postgres");
  });

  it("is saved and read back, and a state with both servers, or neither, is refused", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-state-"));
    try {
      saveAgentState(dir, mariadbState);
      expect(loadAgentState(dir)).toEqual(mariadbState);
      writeFileSync(path.join(dir, "agent.json"), JSON.stringify({ ...mariadbState, host: { ...mariadbState.host, postgres: state.host.postgres } }));
      expect(() => loadAgentState(dir)).toThrow(/give the local server's URL once/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the state folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-state-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the state and the last control-plane config readable by the owner only", () => {
    saveAgentState(dir, state);
    saveControlPlaneConfig(dir, remote);
    expect(statSync(path.join(dir, "agent.json")).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, "control-plane-config.json")).mode & 0o777).toBe(0o600);
    expect(loadAgentState(dir)).toEqual(state);
    expect(loadControlPlaneConfig(dir)).toEqual(remote);
  });

  it("says when the host has not enrolled, names a bad field, and has no saved config when none was saved or it is unreadable", () => {
    expect(() => loadAgentState(dir)).toThrow(/has not enrolled yet; run switchyard-agent enroll/);
    expect(loadControlPlaneConfig(dir)).toBeNull();
    writeFileSync(path.join(dir, "agent.json"), JSON.stringify({ ...state, controlPlaneUrl: "ftp://x" }));
    expect(() => loadAgentState(dir)).toThrow(/controlPlaneUrl: ".*" must be an http/);
    writeFileSync(path.join(dir, "control-plane-config.json"), "{");
    expect(loadControlPlaneConfig(dir)).toBeNull();
  });
});
