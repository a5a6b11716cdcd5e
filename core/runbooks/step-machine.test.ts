import { describe, expect, it } from "vitest";
import { stepSchema, type RunbookStep } from "@/contracts/runbooks";
import { runbookReplica, type RunbookReplicaFields } from "@/test/fixtures/runbook-snapshot";
import type { RunContext as ConditionContext } from "./conditions";
import type { PromotionEvidence } from "./promotion-checks";
import { EMPTY_RUN_CONTEXT, type RunContext } from "./run-context";
import type { ReplicaSnapshot, ServiceSnapshot } from "./snapshot";
import {
  awaitsReports,
  compensationStep,
  FRESH_REPORT_RULES,
  nextStepMove,
  STEP_KINDS,
  STEP_MACHINE_STATES,
  STEP_TRANSITIONS,
  stepStateOf,
  storedStateOf,
  TERMINAL_STEP_STATES,
  type IssuedCommand,
  type StepMove,
  type StepMoveInput,
  type StepObservation,
  type StepRow,
  type StepState,
} from "./step-machine";

describe("the step transition table", () => {
  it("has unique, descriptive ids and one sentence per row", () => {
    const ids = STEP_TRANSITIONS.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of STEP_TRANSITIONS) {
      expect(row.id, row.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
      expect(row.sentence, row.id).toMatch(/^[A-Z].*\.$/);
      expect(row.kinds.length, row.id).toBeGreaterThan(0);
      expect(row.from.length, row.id).toBeGreaterThan(0);
    }
  });

  it("covers every kind of step a runbook can declare", () => {
    expect([...STEP_KINDS].sort()).toEqual(stepSchema.options.map((option) => option.shape.kind.value).sort());
  });

  it("reaches every state from pending, for some kind", () => {
    const reached = new Set<StepState>(["pending"]);
    for (let grown = true; grown; ) {
      grown = false;
      for (const row of STEP_TRANSITIONS) {
        if (row.from.some((state) => reached.has(state)) && !reached.has(row.to)) {
          reached.add(row.to);
          grown = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...STEP_MACHINE_STATES].sort());
  });

  it("leaves no terminal state, and every other state has a way out for every kind", () => {
    for (const row of STEP_TRANSITIONS) expect(TERMINAL_STEP_STATES, row.id).not.toContain(row.from.find((state) => TERMINAL_STEP_STATES.includes(state)));
    for (const kind of STEP_KINDS) {
      for (const state of ["pending", "running", "retrying"] as const) {
        expect(
          STEP_TRANSITIONS.some((row) => row.kinds.includes(kind) && row.from.includes(state) && row.to !== state),
          `${kind} ${state}`,
        ).toBe(true);
      }
    }
  });

  it("lets every kind that waits leave waiting for a terminal state", () => {
    for (const kind of STEP_KINDS) {
      const waits = STEP_TRANSITIONS.some((row) => row.kinds.includes(kind) && row.to === "waiting");
      const leaves = STEP_TRANSITIONS.some((row) => row.kinds.includes(kind) && row.from.includes("waiting") && TERMINAL_STEP_STATES.includes(row.to));
      expect(leaves || !waits, kind).toBe(true);
    }
  });

  it("stores retrying as pending with attempts made", () => {
    expect(stepStateOf({ state: "pending", attempts: 0 })).toBe("pending");
    expect(stepStateOf({ state: "pending", attempts: 2 })).toBe("retrying");
    expect(storedStateOf("retrying")).toBe("pending");
    expect(stepStateOf({ state: "waiting", attempts: 1 })).toBe("waiting");
  });
});

const NOW = new Date("2026-12-03T12:00:00.000Z");
const LATER = new Date("2026-12-03T12:05:00.000Z");

const replica = (fields: RunbookReplicaFields) =>
  runbookReplica({ replication: "sync", syncState: "sync", lagBytes: 0, lastReportAt: NOW, ...fields });

const PRIMARY = replica({ id: "us", name: "pg-us-east-1", regionId: "aws:us-east-1", jurisdiction: "US", role: "primary", reportedRole: "primary", walReceiverStatus: null });
const TARGET = replica({ id: "eu", name: "pg-eu-west-1", regionId: "aws:eu-west-1", jurisdiction: "EU" });

function conditions(overrides: { target?: Partial<ReplicaSnapshot>; residency?: string[]; fencedLsn?: bigint | null } = {}): ConditionContext {
  const target = { ...TARGET, ...overrides.target };
  const snapshot: ServiceSnapshot = {
    now: NOW,
    serviceId: "orders-db",
    epoch: 1,
    writeReplicaId: "us",
    replicas: [PRIMARY, target],
    datasets: [{ name: "orders", consistency: "strong", residency: { jurisdictions: overrides.residency ?? ["EU", "US"], regions: [] } }],
    witnesses: [],
    policy: { version: 1, maxLagBytes: 1024 * 1024, witnessQuorum: 2, staleAfterMs: 5_000 },
  };
  return { snapshot, primary: PRIMARY, target, others: [], fencedLsn: overrides.fencedLsn === undefined ? 5000n : overrides.fencedLsn };
}

const CONTEXT: RunContext = { ...EMPTY_RUN_CONTEXT, primaryId: "us", targetId: "eu", fencedLsn: "5000" };
const NOTHING: StepObservation = { conditions: null, agent: null, promotion: null, webhook: null, http: null };

const step = (definition: Record<string, unknown>): RunbookStep => stepSchema.parse({ id: "the-step", title: "The step", ...definition });

const row = (overrides: Partial<StepRow> = {}): StepRow => ({
  state: "running",
  attempts: 1,
  startedAt: NOW,
  deadlineAt: new Date(NOW.getTime() + 60_000),
  nextAttemptAt: null,
  targets: ["eu"],
  ...overrides,
});

const command = (status: IssuedCommand["status"], overrides: Partial<IssuedCommand> = {}): IssuedCommand => ({ replicaId: "eu", replica: "pg-eu-west-1", status, error: null, output: null, ...overrides });

/** The evidence of a promotion every cross-check agrees with. */
const agreeing = (): PromotionEvidence => ({
  primary: "pg-us-east-1",
  target: "pg-eu-west-1",
  targetReport: { replica: "pg-eu-west-1", receivedAt: NOW, timeline: 1, currentLsn: null, receivedLsn: 5000n, replayedLsn: 5000n, streamingTimeline: 1 },
  primaryServing: { replica: "pg-us-east-1", receivedAt: NOW, timeline: 1, currentLsn: 5000n, receivedLsn: null, replayedLsn: null, listsTarget: true, targetFlush: { lsn: 5000n, witness: "primary-replication-view" } },
  fence: { finalLsn: 5000n, before: [{ replica: "pg-us-east-1", receivedAt: NOW, timeline: 1, currentLsn: 4900n, receivedLsn: null, replayedLsn: null }] },
});

const seen = new Set<string>();
function move(input: Partial<StepMoveInput> & Pick<StepMoveInput, "step">): StepMove | null {
  const result = nextStepMove({ run: { mode: "guided", context: CONTEXT }, stepRun: row(), observed: NOTHING, now: NOW, ...input });
  if (result) seen.add(result.rule).add(result.cause ?? result.rule);
  return result;
}

describe("each step move, as a pure case", () => {
  const check = step({ kind: "check", condition: "target-is-sync-standby" });
  const wait = step({ kind: "wait", condition: "target-replayed-fenced-lsn", timeoutSeconds: 60 });
  const manual = step({ kind: "manual", prompt: "Go?" });
  const approval = step({ kind: "approval", prompt: "Accept?", unless: "target-lag-within-policy" });
  const fence = step({ kind: "agent", target: "primary", command: "fence", compensation: { command: "unfence" } });
  const promote = step({ kind: "agent", target: "target", command: "promote" });
  const route = step({ kind: "route", to: "target" });
  const notify = step({ kind: "notify", message: "done" });
  const withSnapshot = (overrides?: Parameters<typeof conditions>[0]): StepObservation => ({ ...NOTHING, conditions: conditions(overrides) });
  const promotion = (overrides: Partial<NonNullable<StepObservation["promotion"]>> = {}): StepObservation => ({
    conditions: conditions(),
    agent: { commands: [], args: { args: {} } },
    promotion: { leaseHeld: null, leaseSentence: null, evidence: agreeing(), ...overrides },
    webhook: null,
    http: null,
  });

  it("starts a pending step's first attempt with the timeout as its deadline", () => {
    expect(move({ step: check, stepRun: row({ state: "pending", attempts: 0, startedAt: null, deadlineAt: null }) })).toEqual({
      rule: "start-attempt",
      cause: null,
      from: "pending",
      to: "running",
      reason: null,
      write: { state: "running", attempts: 1, startedAt: NOW, deadlineAt: new Date(NOW.getTime() + 60_000), nextAttemptAt: null },
      effects: [],
      audit: { state: "running", reason: null, detail: { attempt: 1 } },
    });
  });

  it("retries after the backoff, not before, keeping the first start", () => {
    const retrying = row({ state: "pending", attempts: 1, nextAttemptAt: new Date(NOW.getTime() + 1000) });
    expect(move({ step: check, stepRun: retrying })).toBeNull();
    expect(move({ step: check, stepRun: retrying, now: LATER })).toMatchObject({ rule: "retry-after-backoff", from: "retrying", to: "running", write: { attempts: 2, startedAt: NOW } });
  });

  it("does not move a concluded step", () => {
    expect(move({ step: check, stepRun: row({ state: "succeeded" }) })).toBeNull();
  });

  it("checks: succeed when the condition holds, fail (or retry while attempts are left) when not", () => {
    expect(move({ step: check, observed: withSnapshot() })).toMatchObject({
      rule: "condition-holds",
      to: "succeeded",
      write: { state: "succeeded", output: { condition: "target-is-sync-standby", sentence: "pg-eu-west-1 is the synchronous standby" }, finishedAt: NOW, error: null },
    });
    const async = withSnapshot({ target: { syncState: "async" } });
    expect(move({ step: check, observed: async })).toMatchObject({ rule: "check-fails", to: "failed", reason: "pg-eu-west-1 is not a synchronous standby (async)", audit: { state: "failed" } });
    const retried = move({ step: step({ kind: "check", condition: "target-is-sync-standby", retry: { attempts: 3 } }), observed: async });
    expect(retried).toMatchObject({
      rule: "retry-failed-attempt",
      cause: "check-fails",
      to: "retrying",
      write: { state: "pending", nextAttemptAt: new Date(NOW.getTime() + 1000), error: "pg-eu-west-1 is not a synchronous standby (async)" },
      audit: { state: "retrying" },
    });
  });

  it("waits: wait until the condition holds or the deadline passes, and a step already waiting that still waits is no move", () => {
    const behind = withSnapshot({ target: { replayedLsn: 4000n } });
    expect(move({ step: wait, observed: behind })).toMatchObject({ rule: "condition-awaited", to: "waiting", write: { state: "waiting" }, audit: { state: "waiting" } });
    expect(move({ step: wait, observed: behind, stepRun: row({ state: "waiting" }) })).toBeNull();
    expect(move({ step: wait, observed: behind, stepRun: row({ state: "waiting" }), now: LATER })).toMatchObject({
      rule: "condition-timed-out",
      reason: "timed out after 60 s: pg-eu-west-1 replayed 4000, behind the fenced primary's final 5000",
    });
    expect(move({ step: wait, observed: withSnapshot(), stepRun: row({ state: "waiting" }) })).toMatchObject({ rule: "condition-holds", from: "waiting", to: "succeeded" });
  });

  it("manual steps: answered by policy in an automatic run, confirmed by the schedule in a scheduled one, else wait for a person until the deadline", () => {
    expect(move({ step: manual, run: { mode: "automatic", context: CONTEXT } })).toMatchObject({ rule: "answered-by-policy", to: "succeeded", write: { output: { answeredBy: "policy" } } });
    expect(move({ step: manual })).toMatchObject({ rule: "person-awaited", to: "waiting" });
    expect(move({ step: manual, run: { mode: "guided", context: { ...CONTEXT, schedule: { by: "op@example.com", scheduledAt: "2030-01-01T02:00:00.000Z" } } } })).toMatchObject({
      rule: "confirmed-when-scheduled",
      to: "succeeded",
      write: { output: { answeredBy: "schedule", note: "confirmed in advance by op@example.com, who scheduled the run for 2030-01-01T02:00:00.000Z" } },
    });
    expect(move({ step: manual, stepRun: row({ state: "waiting" }) })).toBeNull();
    expect(move({ step: manual, stepRun: row({ state: "waiting" }), now: LATER })).toMatchObject({ rule: "nobody-decided", reason: "nobody confirmed within 60 s" });
  });

  it("a run a plan started has its manual steps answered by the plan's confirmation, and its approvals still wait for a person", () => {
    const byPlan = { mode: "guided" as const, context: { ...CONTEXT, confirmedInAdvance: "confirmed by ops@example.com, who started plan p1 after its dry run" } };
    expect(move({ step: manual, run: byPlan })).toMatchObject({ rule: "confirmed-in-advance", to: "succeeded", write: { output: { answeredBy: "in advance", note: byPlan.context.confirmedInAdvance } } });
    const lagging = withSnapshot({ target: { lagBytes: 8 * 1024 * 1024 } });
    expect(move({ step: approval, observed: lagging, run: byPlan })).toMatchObject({ rule: "person-awaited", to: "waiting" });
  });

  it("approvals: skipped when their condition holds, never approved by an automatic run, else wait for a person", () => {
    expect(move({ step: approval, observed: withSnapshot() })).toMatchObject({ rule: "approval-not-needed", to: "skipped", write: { output: { reason: expect.stringMatching(/^not needed: /) } } });
    const lagging = withSnapshot({ target: { lagBytes: 8 * 1024 * 1024 } });
    expect(move({ step: approval, observed: lagging, run: { mode: "automatic", context: CONTEXT } })).toMatchObject({ rule: "no-self-approval", to: "failed" });
    expect(move({ step: approval, observed: lagging })).toMatchObject({ rule: "person-awaited", to: "waiting" });
    expect(move({ step: approval, observed: lagging, stepRun: row({ state: "waiting" }), now: LATER })).toMatchObject({ rule: "nobody-decided", reason: "no approval within 60 s" });
  });

  it("a waiting step that finds itself still waiting, with nothing to carry out, is no move: an engine tick writes nothing a person's decision compares against", () => {
    const waiting = row({ state: "waiting" });
    const lagging = withSnapshot({ target: { lagBytes: 8 * 1024 * 1024 } });
    const unseen = { ...agreeing(), primaryServing: { ...agreeing().primaryServing!, targetFlush: { lsn: 4000n, witness: "primary-replication-view" as const } } };
    const stays: [string, StepMove | null][] = [
      ["condition-awaited", move({ step: wait, observed: withSnapshot({ target: { replayedLsn: 4000n } }), stepRun: waiting })],
      ["person-awaited (manual)", move({ step: manual, stepRun: waiting })],
      ["person-awaited (approval)", move({ step: approval, observed: lagging, stepRun: waiting })],
      ["commands-awaited", move({ step: fence, observed: { ...NOTHING, agent: { commands: [command("delivered")], args: { args: {} } } }, stepRun: waiting })],
      ["old-primary-lease-held", move({ step: promote, observed: promotion({ leaseHeld: "pg-us-east-1's lease runs until 12:00:10" }), stepRun: waiting })],
      ["promotion-corroboration-awaited", move({ step: promote, observed: promotion({ evidence: unseen }), stepRun: waiting })],
    ];
    expect(stays.filter(([, found]) => found !== null).map(([name]) => name)).toEqual([]);
    // Leaving the step waiting but carrying something out is a move.
    expect(move({ step: promote, observed: promotion(), stepRun: waiting })).toMatchObject({ rule: "promotion-proven", from: "waiting", to: "waiting", effects: [{ kind: "promote" }], audit: null });
  });

  it("agent steps: skip without targets, fail on arguments that cannot be resolved, issue what is missing, then wait for every answer", () => {
    expect(move({ step: fence, stepRun: row({ targets: [] }) })).toMatchObject({ rule: "no-replica-to-act-on", to: "skipped", write: { output: { reason: "no replica to act on" } } });
    expect(move({ step: fence, observed: { ...NOTHING, agent: { commands: [], args: { problem: "no write route" } } } })).toMatchObject({ rule: "command-unresolvable", reason: "no write route" });
    const two = row({ targets: ["us", "eu"] });
    expect(move({ step: fence, stepRun: two, observed: { ...NOTHING, agent: { commands: [command("pending")], args: { args: { x: 1 } } } } })).toMatchObject({
      rule: "commands-issued",
      to: "waiting",
      effects: [{ kind: "issue-command", replicaId: "us", command: "fence", args: { x: 1 } }],
    });
    const answered = (status: IssuedCommand["status"], error: string | null = null): StepObservation => ({ ...NOTHING, agent: { commands: [command(status, { error })], args: { args: {} } } });
    expect(move({ step: fence, observed: answered("delivered"), stepRun: row({ state: "waiting" }) })).toBeNull();
    expect(move({ step: fence, observed: answered("delivered") })).toMatchObject({ rule: "commands-awaited", to: "waiting" });
    expect(move({ step: fence, observed: answered("delivered"), now: LATER })).toMatchObject({ rule: "commands-unanswered", reason: "no answer from the agent within 60 s" });
    expect(move({ step: fence, observed: answered("refused", "stale epoch") })).toMatchObject({ rule: "command-failed", reason: "pg-eu-west-1: refused (stale epoch)" });
  });

  it("agent steps: on success record the fence's final position and the step's undo on the run", () => {
    const observed: StepObservation = { ...NOTHING, agent: { commands: [command("succeeded", { output: { finalLsn: "7000" } })], args: { args: {} } } };
    expect(move({ step: fence, observed, run: { mode: "guided", context: { ...CONTEXT, fencedLsn: null } } })).toMatchObject({
      rule: "commands-answered",
      to: "succeeded",
      write: { output: { "pg-eu-west-1": { finalLsn: "7000" } } },
      effects: [{ kind: "record-context", context: { fencedLsn: "7000", compensations: [{ stepId: "the-step", command: "unfence", args: {}, replicaIds: ["eu"] }] } }],
    });
  });

  it("promotions: wait for the old primary's lease, refuse by residency or an unprovable or refuted position, else move the epoch", () => {
    expect(move({ step: promote, observed: promotion({ leaseHeld: "pg-us-east-1's lease runs until 12:00:10" }) })).toMatchObject({ rule: "old-primary-lease-held", to: "waiting" });
    expect(move({ step: promote, observed: promotion({ leaseHeld: "pg-us-east-1's lease runs until 12:00:10" }), now: LATER })).toMatchObject({
      rule: "old-primary-lease-outlasts-step",
      reason: "refusing to promote: pg-us-east-1's lease runs until 12:00:10",
    });
    const usOnly = { ...promotion(), conditions: conditions({ residency: ["US"] }) };
    expect(move({ step: promote, observed: usOnly })).toMatchObject({
      rule: "residency-refuses-target",
      reason: "refusing to promote pg-eu-west-1: residency refuses aws:eu-west-1: dataset orders may live only in US; aws:eu-west-1 is in EU",
      effects: [{ kind: "refuse-residency", refusal: { action: "promote", target: { id: "eu", name: "pg-eu-west-1", jurisdiction: "EU" } } }],
    });
    expect(move({ step: promote, observed: promotion({ evidence: { problem: "no target" } }) })).toMatchObject({ rule: "promotion-unprovable", reason: "no target" });
    const behind = { ...agreeing(), targetReport: { ...agreeing().targetReport!, replayedLsn: 4000n } };
    expect(move({ step: promote, observed: promotion({ evidence: behind }) })).toMatchObject({
      rule: "promotion-refused",
      reason: "refusing to promote: pg-eu-west-1 replayed 4000, behind the fenced primary's final 5000",
    });
    const unseen = { ...agreeing(), primaryServing: { ...agreeing().primaryServing!, targetFlush: { lsn: 4000n, witness: "primary-replication-view" as const } } };
    expect(move({ step: promote, observed: promotion({ evidence: unseen }) })).toMatchObject({ rule: "promotion-corroboration-awaited", to: "waiting" });
    expect(move({ step: promote, observed: promotion({ evidence: unseen }), now: LATER })).toMatchObject({ rule: "promotion-refused", reason: expect.stringMatching(/\(still so after 60 s\)$/) });
    expect(move({ step: promote, observed: promotion({ leaseSentence: "lapsed at 11:59" }) })).toMatchObject({
      rule: "promotion-proven",
      to: "waiting",
      effects: [{ kind: "promote", replicaId: "eu", args: {}, proof: { fencedPrimaryFinalLsn: "5000", candidateReplayedLsn: "5000", candidate: "pg-eu-west-1", oldPrimaryLease: "lapsed at 11:59" } }],
    });
    const proven = move({ step: promote, observed: promotion() });
    expect(proven?.effects?.[0]).not.toHaveProperty("proof.positionNotation");
  });

  it("promotions: a MariaDB promotion's GTIDs go into the proof as they were reported, the decision stays on the positions", () => {
    const notation = { fencedFinal: "0-1-5000", targetReceived: "0-1-5000", targetApplied: "0-1-5000" };
    expect(move({ step: promote, observed: promotion({ evidence: { ...agreeing(), notation } }) })).toMatchObject({
      rule: "promotion-proven",
      effects: [{ kind: "promote", proof: { fencedPrimaryFinalLsn: "5000", candidateReplayedLsn: "5000", positionNotation: notation } }],
    });
    const behind = { ...agreeing(), notation, targetReport: { ...agreeing().targetReport!, replayedLsn: 4000n } };
    expect(move({ step: promote, observed: promotion({ evidence: behind }) })).toMatchObject({ rule: "promotion-refused" });
  });

  it("routes: need a target the residency allows; the route switch audits itself", () => {
    expect(move({ step: route, run: { mode: "guided", context: { ...CONTEXT, targetId: null } }, observed: withSnapshot() })).toMatchObject({ rule: "route-has-no-target", to: "failed" });
    expect(move({ step: route, observed: withSnapshot({ residency: ["US"] }) })).toMatchObject({ rule: "residency-refuses-target", reason: expect.stringMatching(/^refusing to route writes to pg-eu-west-1: /) });
    expect(move({ step: route, observed: withSnapshot() })).toMatchObject({ rule: "writes-routed", to: "succeeded", effects: [{ kind: "route-writes", targetId: "eu" }], audit: null });
  });

  it("notifications: skipped without a webhook, posted, or failed with what the webhook answered", () => {
    expect(move({ step: notify, observed: { ...NOTHING, webhook: { configured: false, failure: null } } })).toMatchObject({ rule: "webhook-unconfigured", to: "skipped" });
    expect(move({ step: notify, observed: { ...NOTHING, webhook: { configured: true, failure: null } } })).toMatchObject({ rule: "webhook-posted", effects: [{ kind: "post-webhook", message: "done" }] });
    expect(move({ step: notify, observed: { ...NOTHING, webhook: { configured: true, failure: "answered 500" } } })).toMatchObject({ rule: "webhook-failed", reason: "webhook answered 500" });
  });

  it("http steps: fail unconfigured, call the endpoint, then succeed on an expected answer or fail (or retry) with the receiver's message", () => {
    const http = step({ kind: "http", endpoint: "dns", retry: { attempts: 2, backoffSeconds: 0 } });
    const called = (answer: NonNullable<StepObservation["http"]>["answer"]): StepObservation => ({ ...NOTHING, http: { configured: true, answer } });
    expect(move({ step: http, observed: { ...NOTHING, http: { configured: false, answer: null } } })).toMatchObject({ rule: "retry-failed-attempt", cause: "endpoint-unconfigured" });
    expect(move({ step: http, observed: called(null) })).toMatchObject({ rule: "endpoint-answered", effects: [{ kind: "call-endpoint", endpoint: "dns", expect: undefined }] });
    const ok = { endpoint: "dns", status: 204, body: "", durationMs: 3 };
    expect(move({ step: http, observed: called(ok) })).toMatchObject({ rule: "endpoint-answered", to: "succeeded", write: { output: ok }, effects: [] });
    const busy = { endpoint: "dns", status: 503, body: '{"message":"try later"}', durationMs: 3 };
    expect(move({ step: http, observed: called(busy) })).toMatchObject({
      rule: "retry-failed-attempt",
      cause: "endpoint-refused",
      write: { state: "pending", error: "dns answered 503: try later", output: busy },
      audit: { state: "retrying", detail: { output: busy } },
    });
    const last = row({ attempts: 2 });
    expect(move({ step: http, stepRun: last, observed: called(busy) })).toMatchObject({ rule: "endpoint-refused", to: "failed", write: { state: "failed", output: busy } });
    const silent = { endpoint: "dns", unreachable: "no answer within 0.2 s", durationMs: 200 };
    expect(move({ step: http, stepRun: last, observed: called(silent) })).toMatchObject({ rule: "endpoint-unreachable", reason: "dns could not be reached: no answer within 0.2 s" });
    const only201 = step({ kind: "http", endpoint: "dns", expectStatus: [201] });
    expect(move({ step: only201, observed: called(ok) })).toMatchObject({ rule: "endpoint-refused", reason: "dns answered 204" });
  });

  it("script steps: issue the script command to the target's agent, and keep a failed script's output", () => {
    const script = step({ kind: "script", target: "target", script: "pgbouncer-repoint", args: { host: { fact: "target.host" } } });
    const argv = { args: { name: "pgbouncer-repoint", argv: ["--host=10.0.0.2"], timeoutSeconds: 55 } };
    expect(move({ step: script, observed: { ...NOTHING, agent: { commands: [], args: argv } } })).toMatchObject({
      rule: "commands-issued",
      effects: [{ kind: "issue-command", replicaId: "eu", command: "script", args: argv.args }],
    });
    const output = { exitCode: 3, signal: null, stdout: "", stderr: "pgbouncer is not running", truncated: false, durationMs: 5 };
    const failedScript: StepObservation = { ...NOTHING, agent: { commands: [command("failed", { error: "exited with 3: pgbouncer is not running", output })], args: argv } };
    expect(move({ step: script, observed: failedScript })).toMatchObject({
      rule: "command-failed",
      reason: "pg-eu-west-1: failed (exited with 3: pgbouncer is not running)",
      write: { output: { "pg-eu-west-1": output } },
    });
  });

  it("gates: skipped when the service has none, else run the configured hook as an http call or a script", () => {
    const gate = step({ kind: "gate", point: "pre-failover" });
    expect(move({ step: gate })).toMatchObject({ rule: "no-gate-configured", to: "skipped" });
    const withEndpoint = { ...CONTEXT, gates: { "pre-failover": { endpoint: "change-freeze" }, "post-failover": null } };
    const refusal = { endpoint: "change-freeze", status: 409, body: '{"message":"change freeze until 23:00"}', durationMs: 4 };
    expect(move({ step: gate, run: { mode: "automatic", context: withEndpoint }, observed: { ...NOTHING, http: { configured: true, answer: refusal } } })).toMatchObject({
      rule: "endpoint-refused",
      to: "failed",
      reason: "change-freeze answered 409: change freeze until 23:00",
    });
    const withScript = { ...CONTEXT, gates: { "pre-failover": { script: "drain", target: "primary" as const, args: {} }, "post-failover": null } };
    expect(move({ step: gate, run: { mode: "guided", context: withScript }, observed: { ...NOTHING, agent: { commands: [], args: { args: { name: "drain", argv: [] } } } } })).toMatchObject({
      rule: "commands-issued",
      effects: [{ kind: "issue-command", command: "script" }],
    });
  });

  it("runs an undo as an agent step with the registered command over the replicas the undone step acted on", () => {
    const context = { ...CONTEXT, compensations: [{ stepId: "fence-primary", command: "unfence" as const, args: {}, replicaIds: ["us"] }] };
    expect(compensationStep({ stepId: "undo-fence-primary", title: "Undo: Fence" }, context)).toMatchObject({ kind: "agent", id: "undo-fence-primary", command: "unfence", retry: { attempts: 3 } });
    expect(() => compensationStep({ stepId: "undo-other", title: "Undo" }, context)).toThrow(/no compensation registered/);
  });

  // Runs after the cases above (tests in a file run in order).
  it("has a case for every row the engine moves by", () => {
    const engineRows = STEP_TRANSITIONS.filter((transition) => transition.by === "engine").map((transition) => transition.id);
    expect(engineRows.filter((id) => !seen.has(id))).toEqual([]);
  });
});

describe("which findings wait on the replicas' reports (fresh ones are asked for)", () => {
  const wait = step({ kind: "wait", condition: "target-replayed-fenced-lsn", timeoutSeconds: 60 });
  const promote = step({ kind: "agent", target: "target", command: "promote" });
  const fence = step({ kind: "agent", target: "primary", command: "fence" });
  const check = step({ kind: "check", condition: "target-replayed-fenced-lsn" });
  const withSnapshot = (target: Partial<ReplicaSnapshot> = {}): StepObservation => ({ ...NOTHING, conditions: conditions({ target }) });
  const promotion = (evidence: PromotionEvidence, leaseHeld: string | null = null): StepObservation => ({
    conditions: conditions(),
    agent: { commands: [], args: { args: {} } },
    promotion: { leaseHeld, leaseSentence: null, evidence },
    webhook: null,
    http: null,
  });
  const awaits = (input: Partial<StepMoveInput> & Pick<StepMoveInput, "step">) =>
    awaitsReports({ run: { mode: "guided", context: CONTEXT }, stepRun: row(), observed: NOTHING, now: NOW, ...input });

  it("names step rules, each with a sentence", () => {
    for (const rule of FRESH_REPORT_RULES) {
      expect(STEP_TRANSITIONS.map((row) => row.id), rule.id).toContain(rule.id);
      expect(rule.sentence, rule.id).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("a wait whose condition does not hold yet awaits reports, running or already waiting; one that holds, or past its deadline, does not", () => {
    const behind = withSnapshot({ replayedLsn: 4000n });
    expect(awaits({ step: wait, observed: behind })).toBe(true);
    expect(awaits({ step: wait, observed: behind, stepRun: row({ state: "waiting" }) })).toBe(true);
    expect(awaits({ step: wait, observed: withSnapshot(), stepRun: row({ state: "waiting" }) })).toBe(false);
    expect(awaits({ step: wait, observed: behind, stepRun: row({ state: "waiting" }), now: LATER })).toBe(false);
  });

  it("a promotion awaits reports only while a cross-check waits for corroboration, not while the old primary's lease holds it or once it is proven", () => {
    const unseen = { ...agreeing(), primaryServing: { ...agreeing().primaryServing!, targetFlush: { lsn: 4000n, witness: "primary-replication-view" as const } } };
    expect(awaits({ step: promote, observed: promotion(unseen), stepRun: row({ state: "waiting" }) })).toBe(true);
    expect(awaits({ step: promote, observed: promotion(agreeing()) })).toBe(false);
    expect(awaits({ step: promote, observed: promotion(unseen, "pg-us-east-1's lease runs until 12:00:10") })).toBe(false);
  });

  it("no other step, and no step not under way, awaits reports", () => {
    expect(awaits({ step: check, observed: withSnapshot({ replayedLsn: 4000n }) })).toBe(false);
    expect(awaits({ step: fence, observed: { ...NOTHING, agent: { commands: [command("delivered")], args: { args: {} } } } })).toBe(false);
    expect(awaits({ step: wait, observed: withSnapshot({ replayedLsn: 4000n }), stepRun: row({ state: "pending", attempts: 0 }) })).toBe(false);
    expect(awaits({ step: wait, observed: withSnapshot({ replayedLsn: 4000n }), stepRun: row({ state: "succeeded" }) })).toBe(false);
  });
});
