import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { commandKeyFingerprint } from "./command-key-fingerprint";
import { agentRuntimeConfig, type ReplicaEndpoint } from "./runtime-config";

const endpoint = (name: string, regionId: string, port: number): ReplicaEndpoint => ({ name, regionId, engine: "postgresql", host: "10.0.0.1", port, databaseName: "orders" });
const eu = endpoint("pg-eu", "aws:eu-west-1", 5432);
const us = endpoint("pg-us", "aws:us-east-1", 5433);
const ap = endpoint("pg-ap", "gcp:asia-east1", 5434);

describe("an agent's runtime config", () => {
  it("lists the service's other replicas as peers, by name, with where to reach them and no credentials", () => {
    const config = agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [us, ap], heartbeatIntervalSeconds: 1 });
    expect(config.peers).toEqual([
      { replica: "pg-ap", regionId: "gcp:asia-east1", host: "10.0.0.1", port: 5434, database: "orders" },
      { replica: "pg-us", regionId: "aws:us-east-1", host: "10.0.0.1", port: 5433, database: "orders" },
    ]);
    expect(config.replica).toEqual({ name: "pg-eu", regionId: "aws:eu-west-1", engine: "postgresql", host: "10.0.0.1", port: 5432, database: "orders" });
  });

  it("reports at the heartbeat interval and probes for two intervals, within bounds", () => {
    expect(agentRuntimeConfig({ agentName: "a", replica: eu, peers: [], heartbeatIntervalSeconds: 1 })).toMatchObject({ intervalMs: 1000, probeTimeoutMs: 2000 });
    expect(agentRuntimeConfig({ agentName: "a", replica: eu, peers: [], heartbeatIntervalSeconds: 0.2 })).toMatchObject({ intervalMs: 200, probeTimeoutMs: 500 });
    expect(agentRuntimeConfig({ agentName: "a", replica: eu, peers: [], heartbeatIntervalSeconds: 30 })).toMatchObject({ intervalMs: 30_000, probeTimeoutMs: 10_000 });
  });

  it("keeps its revision while nothing changes, whatever order the peers come in, and changes it when a replica is added or moved", () => {
    const base = agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [us], heartbeatIntervalSeconds: 1 }).revision;
    expect(agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [us], heartbeatIntervalSeconds: 1 }).revision).toBe(base);
    const both = agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [us, ap], heartbeatIntervalSeconds: 1 }).revision;
    expect(both).not.toBe(base);
    expect(agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [ap, us], heartbeatIntervalSeconds: 1 }).revision).toBe(both);
    expect(agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [{ ...us, port: 6000 }], heartbeatIntervalSeconds: 1 }).revision).not.toBe(base);
    expect(agentRuntimeConfig({ agentName: "agent-pg-eu", replica: eu, peers: [us], heartbeatIntervalSeconds: 2 }).revision).not.toBe(base);
  });
});

describe("the command key's fingerprint", () => {
  it("is the SHA-256 of the SPKI DER in hex pairs, the same from either PEM spelling", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const fingerprint = commandKeyFingerprint(pem);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(commandKeyFingerprint(pem.replace(/\n/g, "\r\n"))).toBe(fingerprint);
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(commandKeyFingerprint(other)).not.toBe(fingerprint);
  });
});
