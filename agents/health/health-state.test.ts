import { describe, expect, it } from "vitest";
import type { ReplicaObservation } from "../adapters/engine-adapter";
import { NO_SETTINGS, unreachableObservation } from "../adapters/engine-adapter";
import { HealthState, serverObservation } from "./health-state";
import { ServerChanges } from "./server-changes";

const PRIMARY: ReplicaObservation = {
  ...unreachableObservation("postgresql", "x"),
  reachable: true,
  error: null,
  role: "primary",
  settings: { ...NO_SETTINGS, default_transaction_read_only: "off", transaction_read_only: "off" },
};

const STANDBY: ReplicaObservation = {
  ...PRIMARY,
  role: "standby",
  lag: { bytes: 2048, seconds: 1.5 },
  walReceiver: { status: "streaming", senderHost: "10.0.0.1", senderPort: 5432, receivedTli: 1, flushedLsn: "100", lastMessageAt: null, slotName: null },
  settings: { ...NO_SETTINGS, default_transaction_read_only: "off", transaction_read_only: "on" },
};

describe("the agent's probe, as the health checks read it", () => {
  it("reads the role, whether new transactions are read-only, streaming and lag", () => {
    expect(serverObservation(PRIMARY, 5)).toEqual({ at: 5, reachable: true, error: null, role: "primary", readOnly: false, streaming: false, lagBytes: null, lagSeconds: null });
    expect(serverObservation(STANDBY, 5)).toEqual({ at: 5, reachable: true, error: null, role: "standby", readOnly: true, streaming: true, lagBytes: 2048, lagSeconds: 1.5 });
  });

  it("takes a fenced primary (read-only by default) as read-only, and unknown settings as unknown", () => {
    expect(serverObservation({ ...PRIMARY, settings: { ...PRIMARY.settings, default_transaction_read_only: "on" } }, 0).readOnly).toBe(true);
    expect(serverObservation(unreachableObservation("postgresql", "refused"), 0)).toMatchObject({ reachable: false, error: "refused", role: null, readOnly: null });
    expect(serverObservation({ ...STANDBY, walReceiver: { ...STANDBY.walReceiver!, status: "waiting" } }, 0).streaming).toBe(false);
  });
});

describe("the health state", () => {
  const view = { lease: { kept: true as const, held: true, rule: "control-plane", sentence: "granted", expiresAt: "2026-12-04T12:00:00.000Z" }, controlPlane: { word: "granted" as const }, epoch: 4 };

  it("joins the latest probe, the commands changing the server, the keeper's lease decided now and the newest epoch", () => {
    let now = 100;
    const changes = new ServerChanges(() => now);
    let asked = 0;
    const health = new HealthState({ staleAfterMs: 3_000, changes, keeper: { healthView: () => (asked++, view) }, commandEpoch: () => 6, monotonic: () => now });
    expect(health.facts()).toEqual({ now: 100, staleAfterMs: 3_000, observation: null, serverChanging: null, lease: view.lease, controlPlane: view.controlPlane, epoch: 6, syncWord: null });
    health.observed(PRIMARY, 90);
    now = 120;
    const ended = changes.started("fence");
    expect(health.facts()).toMatchObject({ now: 120, observation: { at: 90, role: "primary" }, serverChanging: "a fence command is running" });
    ended();
    health.observed(PRIMARY, 121);
    expect(health.facts().serverChanging).toBeNull();
    // The keeper is asked at every check, never a cached answer.
    expect(asked).toBe(3);
  });

  it("dates the control plane's word on the standby by the age of the primary's report it relays, and forgets it on a null word", () => {
    let now = 10_000;
    const health = new HealthState({ staleAfterMs: 3_000, changes: new ServerChanges(() => now), keeper: null, commandEpoch: () => null, monotonic: () => now });
    health.heardFromControlPlane({ syncState: "sync", primaryReportAgeMs: 800 });
    expect(health.facts().syncWord).toEqual({ syncState: "sync", heardAt: 9_200 });
    now = 12_000;
    health.heardFromControlPlane({ syncState: "unlisted", primaryReportAgeMs: 0 });
    expect(health.facts().syncWord).toEqual({ syncState: "unlisted", heardAt: 12_000 });
    health.heardFromControlPlane(null);
    expect(health.facts().syncWord).toBeNull();
  });

  it("has no lease without a keeper, and no epoch before one is heard of", () => {
    const health = new HealthState({ staleAfterMs: 3_000, changes: new ServerChanges(), keeper: null, commandEpoch: () => 0 });
    expect(health.facts()).toMatchObject({ lease: { kept: false }, controlPlane: { word: "none" }, epoch: null });
  });
});
