import { describe, expect, it } from "vitest";
import type { Detection } from "./alert-rules";
import { advanceAlerts, type AlertChange, type OpenAlert, type WindowSettings } from "./alert-window";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const lagging: Detection = {
  ruleId: "lag-above-budget",
  serviceId: "orders-db",
  subject: { key: "replica:gcp", label: "pg-europe-west3", replicaId: "gcp" },
  sentence: "pg-europe-west3 lags 12 s, over the RPO budget of 5 s",
};
const settings = (forSeconds: number, maxGapMs = 5_000, maintenance: (second: number) => string | null = () => null): WindowSettings => ({
  forSeconds: () => forSeconds,
  muted: (_alert, now) => maintenance((now.getTime() - T0) / 1000),
  maxGapMs,
});

/** Applies changes the way the store does, and keeps every event recorded: paged, or only marked in maintenance. */
class Store {
  open: OpenAlert[] = [];
  events: string[] = [];
  private next = 0;

  evaluate(second: number, detections: Detection[], window: WindowSettings): AlertChange[] {
    const changes = advanceAlerts(this.open, detections, at(second), window);
    const record = (what: string, alert: OpenAlert) => this.events.push(`${second}s ${what} ${alert.id}${alert.maintenance ? ` in ${alert.maintenance}` : ""}`);
    for (const change of changes) {
      if (change.kind === "open") {
        this.next += 1;
        const alert: OpenAlert = {
          id: `a${this.next}`,
          ruleId: change.ruleId,
          subjectKey: change.subject.key,
          serviceId: change.serviceId,
          state: change.state,
          sentence: change.sentence,
          startedAt: change.at,
          lastSeenAt: change.at,
          maintenance: change.maintenance,
        };
        this.open.push(alert);
        if (change.state === "firing") record("firing", alert);
        continue;
      }
      const alert = this.open.find((candidate) => candidate.id === change.alertId)!;
      alert.maintenance = change.maintenance;
      if (change.kind === "resolve") {
        this.open = this.open.filter((candidate) => candidate !== alert);
        if (change.wasFiring) record("resolved", alert);
        continue;
      }
      alert.sentence = change.sentence;
      alert.lastSeenAt = change.at;
      if (change.kind === "restart") alert.startedAt = change.at;
      if (change.kind === "fire" || change.kind === "release") {
        alert.state = "firing";
        record(change.kind === "fire" ? "firing" : "firing after maintenance", alert);
      }
    }
    return changes;
  }

  /** Evaluates once a second from `from` to `to`, the condition holding when `holds(second)`. */
  run(from: number, to: number, holds: (second: number) => boolean, window: WindowSettings): void {
    for (let second = from; second <= to; second += 1) this.evaluate(second, holds(second) ? [lagging] : [], window);
  }
}

describe("advanceAlerts", () => {
  it("a blip shorter than the window is pending, then resolves without ever firing", () => {
    const store = new Store();
    store.run(0, 30, (second) => second >= 10 && second < 19, settings(10));
    expect(store.events).toEqual([]);
    expect(store.open).toEqual([]);
  });

  it("shows a blip as pending while it lasts", () => {
    const store = new Store();
    store.run(0, 3, () => true, settings(10));
    expect(store.open).toMatchObject([{ state: "pending", startedAt: at(0), lastSeenAt: at(3) }]);
  });

  it("repeated blips never fire: each one starts its window again", () => {
    const store = new Store();
    store.run(0, 120, (second) => second % 12 < 9, settings(10));
    expect(store.events).toEqual([]);
  });

  it("a condition that holds for the whole window fires exactly when the window has passed, once", () => {
    const store = new Store();
    store.run(0, 40, (second) => second >= 5, settings(10));
    expect(store.events).toEqual(["15s firing a1"]);
    expect(store.open).toMatchObject([{ id: "a1", state: "firing", startedAt: at(5), lastSeenAt: at(40) }]);
  });

  it("a firing alert resolves when the condition clears, and a new occurrence is a new alert", () => {
    const store = new Store();
    store.run(0, 60, (second) => (second >= 5 && second < 30) || second >= 40, settings(10));
    expect(store.events).toEqual(["15s firing a1", "30s resolved a1", "50s firing a2"]);
  });

  it("fires at once when the policy's window is 0", () => {
    const store = new Store();
    store.run(0, 2, () => true, settings(0));
    expect(store.events).toEqual(["0s firing a1"]);
  });

  it("restarts the window after a gap in evaluation, since nobody saw the condition meanwhile", () => {
    const store = new Store();
    store.run(0, 3, () => true, settings(10, 5_000));
    const changes = store.evaluate(60, [lagging], settings(10, 5_000));
    expect(changes).toEqual([{ kind: "restart", alertId: "a1", sentence: lagging.sentence, maintenance: null, at: at(60) }]);
    store.run(61, 69, () => true, settings(10, 5_000));
    expect(store.events).toEqual([]);
    store.evaluate(70, [lagging], settings(10, 5_000));
    expect(store.events).toEqual(["70s firing a1"]);
  });

  it("keeps the latest sentence and treats subjects and rules independently", () => {
    const store = new Store();
    const other: Detection = { ...lagging, subject: { key: "replica:eu", label: "pg-eu-west-1", replicaId: "eu" }, sentence: "pg-eu-west-1 lags 9 s" };
    const stale: Detection = { ...lagging, ruleId: "heartbeat-stale", sentence: "pg-europe-west3 has not reported for 9 s" };
    store.evaluate(0, [lagging, other, stale], settings(10));
    store.evaluate(1, [{ ...lagging, sentence: "pg-europe-west3 lags 13 s" }, stale], settings(10));
    expect(store.open.map((alert) => [alert.ruleId, alert.subjectKey, alert.sentence])).toEqual([
      ["lag-above-budget", "replica:gcp", "pg-europe-west3 lags 13 s"],
      ["heartbeat-stale", "replica:gcp", "pg-europe-west3 has not reported for 9 s"],
    ]);
  });

  it("keeps one alert per service for the same rule and subject key (two services' decisions can both be `automation:failover-paused`)", () => {
    const store = new Store();
    const held: Detection = { ruleId: "automatic-failover-held", serviceId: "orders-db", subject: { key: "automation:failover-paused", label: "automation failover-paused", replicaId: null }, sentence: "orders-db: paused" };
    const alsoHeld: Detection = { ...held, serviceId: "billing-db", sentence: "billing-db: paused" };
    store.evaluate(0, [held, alsoHeld], settings(0));
    store.evaluate(1, [held, alsoHeld], settings(0));
    expect(store.open.map((alert) => [alert.serviceId, alert.sentence])).toEqual([
      ["orders-db", "orders-db: paused"],
      ["billing-db", "billing-db: paused"],
    ]);
    expect(store.events).toEqual(["0s firing a1", "0s firing a2"]);
  });

  it("uses each service's own window", () => {
    const store = new Store();
    const fast: WindowSettings = { forSeconds: (serviceId) => (serviceId === "orders-db" ? 2 : 60), muted: () => null, maxGapMs: 5_000 };
    const billing: Detection = { ...lagging, serviceId: "billing-db", subject: { ...lagging.subject, key: "replica:billing" } };
    for (let second = 0; second <= 5; second += 1) store.evaluate(second, [lagging, billing], fast);
    expect(store.events).toEqual(["2s firing a1"]);
  });
});

describe("advanceAlerts asks what mutes each alert by its service, rule and subject", () => {
  it("so a silence of one rule, or an inhibition of one subject, mutes that alert only", () => {
    const store = new Store();
    const unreachable: Detection = { ...lagging, ruleId: "replica-unreachable", sentence: "pg-europe-west3 does not answer its agent" };
    const other: Detection = { ...lagging, subject: { ...lagging.subject, key: "replica:aws" } };
    const asked: string[] = [];
    const muting: WindowSettings = {
      forSeconds: () => 0,
      muted: (alert) => {
        asked.push(`${alert.serviceId} ${alert.ruleId} ${alert.subjectKey}`);
        return alert.ruleId === "replica-unreachable" ? "silence s1" : alert.subjectKey === "replica:aws" ? "inhibited by heartbeat-stale on pg-us-east-1" : null;
      },
      maxGapMs: 5_000,
    };
    store.evaluate(0, [lagging, unreachable, other], muting);
    expect(asked).toEqual(["orders-db lag-above-budget replica:gcp", "orders-db replica-unreachable replica:gcp", "orders-db lag-above-budget replica:aws"]);
    expect(store.events).toEqual(["0s firing a1", "0s firing a2 in silence s1", "0s firing a3 in inhibited by heartbeat-stale on pg-us-east-1"]);
  });
});

describe("advanceAlerts in a maintenance window", () => {
  const window = (from: number, to: number) => (second: number) => (second >= from && second < to ? "maintenance window (kernel patching)" : null);

  it("marks an alert raised in a window and pages nobody for it, its resolution included, while still recording both", () => {
    const store = new Store();
    store.run(0, 40, (second) => second >= 5 && second < 30, settings(10, 5_000, window(0, 60)));
    expect(store.events).toEqual(["15s firing a1 in maintenance window (kernel patching)", "30s resolved a1 in maintenance window (kernel patching)"]);
  });

  it("marks a pending alert while a window is in force, and pages once it fires after the window", () => {
    const store = new Store();
    store.run(0, 8, () => true, settings(10, 5_000, window(0, 5)));
    expect(store.open).toMatchObject([{ state: "pending", maintenance: null }]);
    store.run(9, 20, () => true, settings(10, 5_000, window(0, 5)));
    expect(store.events).toEqual(["10s firing a1"]);
  });

  it("releases an alert that still fires when the window ends, as an expired silence does", () => {
    const store = new Store();
    store.run(0, 50, (second) => second >= 5, settings(10, 5_000, window(0, 30)));
    expect(store.events).toEqual(["15s firing a1 in maintenance window (kernel patching)", "30s firing after maintenance a1"]);
    expect(store.open).toMatchObject([{ state: "firing", maintenance: null }]);
  });

  it("keeps paging an alert announced before the window began, so its incident also closes", () => {
    const store = new Store();
    store.run(0, 40, (second) => second >= 0 && second < 35, settings(10, 5_000, window(20, 60)));
    expect(store.events).toEqual(["10s firing a1", "35s resolved a1"]);
  });

  it("marks an alert that fires in a window after it opened before it", () => {
    const store = new Store();
    store.run(0, 12, () => true, settings(10, 5_000, window(8, 60)));
    expect(store.events).toEqual(["10s firing a1 in maintenance window (kernel patching)"]);
  });
});
