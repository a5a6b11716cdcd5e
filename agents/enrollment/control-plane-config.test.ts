import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import type { AgentConfig } from "../config";
import type { HttpAnswer, HttpClient } from "../http-post";
import { createLogger } from "../log";
import { loadControlPlaneConfig, type AgentState } from "./agent-state";
import { ConfigRefresh } from "./control-plane-config";

const state: AgentState = {
  controlPlaneUrl: "http://cp",
  agentId: "a1",
  agentName: "agent-pg-eu",
  replicaId: "r1",
  token: "sya_secret",
  commandKey: { publicKey: generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString(), fingerprint: "AA" },
  enrolledAt: "2026-12-02T12:00:00.000Z",
  host: { postgres: "postgresql://monitor:pw@127.0.0.1:5432/postgres", metrics: { port: 0, host: "127.0.0.1" }, health: { port: 0, host: "127.0.0.1" } },
};

const first: AgentRuntimeConfig = {
  revision: "one",
  agentName: "agent-pg-eu",
  replica: { name: "pg-eu", regionId: "aws:eu-west-1", engine: "postgresql", host: "10.0.0.1", port: 5432, database: "orders" },
  peers: [{ replica: "pg-us", regionId: "aws:us-east-1", host: "10.0.0.2", port: 5432, database: "orders" }],
  intervalMs: 1000,
  probeTimeoutMs: 2000,
};
const second: AgentRuntimeConfig = { ...first, revision: "two", peers: [...first.peers, { replica: "pg-ap", regionId: "gcp:asia-east1", host: "10.0.0.3", port: 5432, database: "orders" }] };

/** Answers GET /api/v1/agents/config from a script, and records what it was asked with. */
function scriptedHttp(answers: (HttpAnswer | Error)[]): HttpClient & { asked: Record<string, string>[] } {
  const asked: Record<string, string>[] = [];
  return {
    asked,
    get: async (url, headers) => {
      expect(url.pathname).toBe("/api/v1/agents/config");
      asked.push(headers);
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
    post: async () => ({ status: 404, body: "" }),
    close: () => {},
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-refresh-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("refreshing the control plane's config", () => {
  it("applies and saves a new revision once, with the agent's credential, and keeps the config it has through failures", async () => {
    const applied: AgentConfig[] = [];
    const events: string[] = [];
    const http = scriptedHttp([
      { status: 200, body: JSON.stringify(first) },
      new Error("connect ECONNREFUSED"),
      { status: 503, body: "" },
      { status: 200, body: JSON.stringify(second) },
      { status: 200, body: JSON.stringify(second) },
    ]);
    const refresh = new ConfigRefresh({
      http,
      state,
      stateDir: dir,
      current: first,
      apply: (config) => applied.push(config),
      log: createLogger("t", (line) => events.push((JSON.parse(line) as { event: string }).event)),
      timeoutMs: 100,
    });
    for (let i = 0; i < 5; i += 1) await refresh.refresh();
    expect(http.asked.every((headers) => headers.authorization === "Bearer sya_secret")).toBe(true);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.peers.map((peer) => peer.replica)).toEqual(["pg-us", "pg-ap"]);
    expect(applied[0]!.commands?.publicKey).toBe(state.commandKey.publicKey);
    expect(loadControlPlaneConfig(dir)).toEqual(second);
    expect(events).toEqual(["config.refresh_failed", "config.refresh_failed", "config.changed"]);
  });

  it("never applies a config it cannot use", async () => {
    const applied: AgentConfig[] = [];
    const mysql = { ...second, replica: { ...second.replica, engine: "mysql" } };
    const refresh = new ConfigRefresh({ http: scriptedHttp([{ status: 200, body: JSON.stringify(mysql) }]), state, stateDir: dir, current: first, apply: (config) => applied.push(config), log: createLogger("t", () => {}), timeoutMs: 100 });
    await refresh.refresh();
    expect(applied).toEqual([]);
    expect(loadControlPlaneConfig(dir)).toBeNull();
  });
});
