import { performance } from "node:perf_hooks";
import type { HealthFacts } from "@/core/health-checks/health-checks";
import { decideKeeperRead, probeWakesKeeper, type KeeperReadFacts } from "@/core/agents/keeper-reads";
import { decideRenewal, renewalAt, type RenewalFacts } from "@/core/agents/lease-renewal";
import { decideVouchDemand, vouchDemandDueAt, type VouchDemandFacts } from "@/core/agents/vouch-demand";
import { FENCE_LEAD_MS, shortestPrimaryLeaseMs } from "@/core/policy/budgets";
import type { CommandKeys } from "../commands/key-statement";
import { errorMessage } from "../error-message";
import { createHttpClient, type HttpPoster } from "../http-post";
import type { Failure, Logger } from "../log";
import type { AgentMetrics, SelfFenceReason } from "../metrics";
import { FailureStreak, LoopWaits, REPEAT_LOG_MS } from "../retry";
import { fenceCommandIds, fenceOwnership, type FenceOwnership } from "./fence-commands";
import { decideLease, type LeaseDecision, type LeaseFacts, type LeaseRule } from "./lease-decision";
import { leaseUrl, requestLease } from "./lease-request";
import { createLeaseStreamClient } from "./lease-stream-client";
import { LeaseStateFile, type LeaseState } from "./lease-state";
import type { LeaseServer, LeaseServerFactory, ServerState } from "./lease-server";
import { verifyVouch, type RosterKey, type Witness } from "./vouch";
import { verifyRoster } from "./witness-roster";

export interface PrimaryLeaseKeeperOptions {
  controlPlaneUrl: string;
  token: string;
  /** The audience of the witness rosters the control plane signs for this agent. */
  agentName: string;
  /** The control plane's command keys this agent trusts: witness rosters are signed with one. */
  controlPlaneKeys: CommandKeys;
  /** This agent's replica. */
  replica: Witness;
  intervalMs: number;
  /** How long a read of the local server may take. */
  timeoutMs: number;
  /** The local server, through the commands' connection (it may fence): postgresLeaseServer, mariadbLeaseServer. */
  server: LeaseServerFactory;
  /** The agent's queue folder: the keeper's state file and the command ledger live there. */
  stateDir: string;
  metrics: AgentMetrics;
  log: Logger;
  /** How renewals travel; defaults to a lease stream over a plain client (lease-stream-client.ts). */
  http?: HttpPoster;
  /** Before the control plane first answers a primary, the lease holds this long; defaults to DEFAULT_GRACE_MS. */
  graceMs?: number;
  /** Milliseconds on a clock that never steps (performance.now). */
  monotonic?: () => number;
  /** Milliseconds since the epoch, only to carry the last grant across a restart. */
  wallClock?: () => number;
}

/**
 * How long a primary the control plane has not answered about yet keeps its
 * lease: after a start with no grant remembered (a new agent, or a lost
 * state folder), or right after this replica was promoted. The agent cannot
 * know its service's period before the first grant; this is the default
 * policy's (heartbeat 1 s × 5 misses). A restart with a grant remembered
 * gets no grace: the lease then ends where that grant ends, never later than
 * the control plane counts it, however often the agent restarts.
 */
export const DEFAULT_GRACE_MS = 5_000;

/**
 * The primary's self-fencing lease (agents/README.md, "Primary lease"). Every
 * interval, while its server is a primary, it asks the control plane to renew
 * the lease (a request of its own, never queued), and it listens for the
 * witnesses' vouches. After each read of the server, each answer, and at the
 * moment the lease would lapse, it decides (decideLease) and acts: an
 * explicit refusal fences the server at once, a lease nobody renewed for its
 * period fences it when it lapses, and a grant undoes a fence this agent made
 * itself, never one the control plane commanded. Errors are logged and the
 * loop goes on.
 */
export class PrimaryLeaseKeeper {
  private readonly http: HttpPoster;
  /** Parsed once: a renewal every interval need not parse it again. */
  private readonly leaseUrl: URL;
  private readonly session: LeaseServer;
  private readonly store: LeaseStateFile;
  private readonly monotonic: () => number;
  private readonly wallClock: () => number;
  private readonly graceMs: number;
  private readonly waits = new LoopWaits();
  private readonly streak: FailureStreak;
  private state: LeaseState;
  private grant: LeaseFacts["grant"];
  private refusal: string | null = null;
  private notOffered = false;
  private graceUntil: number;
  /** The witnesses listed with the last grant this process received, the only ones whose vouches count. */
  private roster: ReadonlyMap<string, RosterKey> = new Map();
  private rosterProblem: string | null = null;
  /** The trusted keys' ids and the roster last verified under them. */
  private rosterChecked: string | null = null;
  /** When each witness's latest vouch counts from (monotonic), and its counter, which the next one must exceed. */
  private readonly vouches = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  private refusedVouchLoggedAt = Number.NEGATIVE_INFINITY;
  private role: ServerState["role"] | null = null;
  /** The keeper's latest read of its server, which its decisions go by. */
  private server: ServerState | null = null;
  /** The fencing epoch of the control plane's latest answer. */
  private epoch: number | null = null;
  private lastRule: LeaseRule | null = null;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private shortPeriodWarned = 0;
  private vouchDemandRule: string | null = null;
  /** When the server was last read (monotonic), and whether the next tick must read it whatever that says. */
  private readAt = Number.NEGATIVE_INFINITY;
  private readNext = true;
  private withheld: string | null = null;

  constructor(private readonly options: PrimaryLeaseKeeperOptions) {
    this.http = options.http ?? createLeaseStreamClient(createHttpClient(), { intervalMs: options.intervalMs });
    this.leaseUrl = leaseUrl(options.controlPlaneUrl);
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.wallClock = options.wallClock ?? Date.now;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.streak = new FailureStreak(this.monotonic);
    this.session = options.server((payload, arrivedAt) => this.vouched(payload, arrivedAt), this.monotonic);
    const opened = LeaseStateFile.open(options.stateDir);
    if (opened.problem) options.log.error("bug", "primary_lease.state_unreadable", `${opened.problem}; starting with no grant and no grace: a writable primary is fenced until the control plane grants the lease`);
    this.store = opened.store;
    this.state = opened.state;
    const now = this.monotonic();
    this.grant = this.restoredGrant(now);
    // The grace is for an agent that never held a lease. One whose file is unreadable (a machine crash tore it) may
    // have held one the control plane has since given to another primary: it must not hold it a moment longer.
    this.graceUntil = opened.problem ? now : now + this.graceMs;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the loop and abandons a pending request; a fence under way finishes first. */
  async stop(): Promise<void> {
    this.waits.stop();
    await this.running;
    await this.inFlight;
    await this.session.close();
    this.http.close();
    this.store.close();
  }

  /** The control plane's latest answer refused the lease. */
  get refused(): boolean {
    return this.refusal !== null;
  }

  /**
   * The in-place restarter started the crashed server read-only: that is this
   * agent's own fence from now on, undone (decideLease) only while a grant
   * this process received holds, never on a restored one.
   */
  adoptRestartFence(): void {
    const { stateDir, log } = this.options;
    this.save({ ...this.state, selfFence: { at: new Date(this.wallClock()).toISOString(), commandsBefore: fenceCommandIds(stateDir) } }, true);
    log.info("primary_lease.restart_fence", "the server is restarted read-only: writes resume once the control plane grants the lease");
  }

  /** Looks at the server again now (the restarter brought it back). */
  wake(): void {
    this.readNext = true;
    this.waits.wake();
  }

  /** What the agent's own probe saw of the server: anything but a standby, where the keeper last read one, has it read the server now (core/agents/keeper-reads). */
  probed(probe: { reachable: boolean; role: "primary" | "standby" | null }): void {
    if (!probeWakesKeeper(probe, this.readFacts())) return;
    this.readNext = true;
    this.waits.wake();
  }

  private readFacts(): KeeperReadFacts {
    const facts = this.renewalFacts();
    const fresh = facts.grant !== null && !decideRenewal(facts).renew;
    return { lastRead: this.server?.role ?? null, renewalAt: fresh ? renewalAt(facts.grant!, facts.intervalMs, facts.leadMs) : null };
  }

  /** The grant a renewal would renew: one this process received, not one remembered from before a restart (a refusal clears it). */
  private renewalFacts(): RenewalFacts {
    return { grant: this.grant?.restored === false ? this.grant : null, now: this.monotonic(), intervalMs: this.options.intervalMs, leadMs: FENCE_LEAD_MS };
  }

  private get stopping(): boolean {
    return this.waits.stopped;
  }

  /** The last grant as remembered, on this process's monotonic clock; never later than it was granted (a wall clock set back is ignored). */
  private restoredGrant(now: number): LeaseFacts["grant"] {
    const saved = this.state.grant;
    if (!saved) return null;
    const elapsed = Math.max(0, this.wallClock() - Date.parse(saved.sentAt));
    return { sentAt: now - elapsed, periodMs: saved.periodMs, restored: true };
  }

  /**
   * The lease for the health endpoints, decided at this moment by the same
   * decision, from the same facts, as the keeper's next tick: /primary stops
   * answering 200 no later than the keeper starts to fence. `expiresAt` is
   * when this agent stops counting it as held (its fence starts then).
   */
  healthView(): Pick<HealthFacts, "lease" | "controlPlane" | "epoch"> {
    const now = this.monotonic();
    const decision = decideLease(this.facts(now));
    const expiresAt = decision.until === null ? null : new Date(this.wallClock() + decision.until - now).toISOString();
    return {
      lease: { kept: true, held: decision.held, rule: decision.rule, sentence: decision.sentence, expiresAt },
      controlPlane: this.refusal !== null ? { word: "refused", reason: this.refusal } : this.grant ? { word: "granted" } : { word: "none" },
      epoch: this.epoch,
    };
  }

  private facts(now: number): LeaseFacts {
    return {
      now,
      server: this.server,
      grant: this.grant,
      refusal: this.refusal,
      notOffered: this.notOffered,
      graceUntil: this.graceUntil,
      witnesses: [...this.roster.keys()],
      vouches: this.vouches,
      selfFenced: this.state.selfFence !== null,
      leadMs: FENCE_LEAD_MS,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const started = this.monotonic();
      let until: number | null = null;
      try {
        until = await this.tick();
      } catch (error) {
        this.options.log.error("bug", "primary_lease.tick_failed", `the lease keeper failed unexpectedly: ${errorMessage(error)}`, { stack: (error as Error).stack });
      }
      const facts = this.readFacts();
      const next = Math.min(decideKeeperRead(facts).next(facts, started, this.options.intervalMs), until ?? Number.POSITIVE_INFINITY);
      await this.waits.sleep(next - this.monotonic());
    }
  }

  /** One look at the server, a renewal when one is due, a decision and what it asks for; returns when to look again at the latest. */
  private async tick(): Promise<number | null> {
    const server = await this.readIfDue();
    if (server?.role === "primary") this.renewIfDue(server);
    const decision = decideLease(this.facts(this.monotonic()));
    this.record(decision);
    if (decision.action === "fence") await this.fence(decision, this.refusal !== null ? "refused" : "lapsed");
    if (decision.action === "unfence") await this.unfence();
    // A fence or an unfence changed what a read would find.
    if (decision.action !== "none") this.readNext = true;
    const vouchesDueAt = server?.role === "primary" ? await this.askForVouches() : null;
    const until = decision.held ? decision.until : null;
    return until === null ? vouchesDueAt : Math.min(until, vouchesDueAt ?? until);
  }

  /**
   * Asks the witnesses to vouch or not (core/agents/vouch-demand.ts); returns
   * when a grant on time becomes late, to ask then, or null when asking.
   */
  private async askForVouches(): Promise<number | null> {
    const facts: VouchDemandFacts = {
      grant: this.grant && !this.grant.restored ? { sentAt: this.grant.sentAt, periodMs: this.grant.periodMs } : null,
      now: this.monotonic(),
      intervalMs: this.options.intervalMs,
      leadMs: FENCE_LEAD_MS,
    };
    const rule = decideVouchDemand(facts);
    await this.session.askForVouches(rule.ask);
    if (rule.id !== this.vouchDemandRule) {
      this.vouchDemandRule = rule.id;
      this.options.log.info("primary_lease.vouch_demand", rule.sentence, { rule: rule.id, ask: rule.ask });
    }
    return rule.ask ? null : vouchDemandDueAt(facts);
  }

  /**
   * The server as read now, or as read less than half an interval ago when
   * only an answer of the control plane woke the keeper (it answers a
   * request the last read made): the decision needs no second read for it.
   * A wake by the restarter or by the agent's probe, and any fence or
   * unfence, has the next tick read.
   */
  private async readIfDue(): Promise<ServerState | null> {
    const now = this.monotonic();
    if (!this.readNext && now - this.readAt < this.options.intervalMs / 2) return this.server;
    this.readNext = false;
    this.readAt = now;
    const server = await this.session.read();
    this.observe(server);
    return server;
  }

  /**
   * A standby holds no lease and its fence was reset by whatever made it one
   * (promote and rewind both do): whatever the keeper knew is forgotten, so
   * that a later promotion starts afresh, with the grace for a first answer.
   */
  private observe(server: ServerState | null): void {
    this.server = server;
    if (!server) return;
    if (server.role === "standby" && (this.grant || this.refusal || this.state.grant || this.state.selfFence)) {
      this.grant = null;
      this.refusal = null;
      this.roster = new Map();
      this.rosterChecked = null;
      this.vouches.clear();
      this.save({ grant: null, selfFence: null }, true);
    }
    if (server.role === "primary" && this.role === "standby") this.graceUntil = this.monotonic() + this.graceMs;
    this.role = server.role;
  }

  /**
   * One request at a time, when core/agents/lease-renewal.ts says one is
   * due, and then at most once an interval: a tick woken early by an answer
   * does not ask again, and a tick whose timer fired a little early is not
   * skipped.
   */
  private renewIfDue(server: ServerState): void {
    const now = this.monotonic();
    if (this.inFlight || this.stopping || now - this.lastRequestAt < this.options.intervalMs / 2) return;
    if (!decideRenewal(this.renewalFacts()).renew) return;
    this.lastRequestAt = now;
    this.inFlight = this.renew(server).finally(() => {
      this.inFlight = null;
    });
  }

  private async renew(server: ServerState): Promise<void> {
    const { token, intervalMs, metrics, log } = this.options;
    const sentAt = this.monotonic();
    const sentAtWall = this.wallClock();
    const reply = await requestLease(this.http, this.leaseUrl, token, { ...server, selfFencedAt: this.state.selfFence?.at ?? null }, intervalMs, this.waits.signal);
    if (this.stopping) return;
    if (reply.kind === "not-offered") {
      metrics.leaseRenewals.inc({ outcome: "no_answer" });
      if (!this.notOffered) log.warn("primary_lease.not_offered", `${reply.why}; this agent does not fence its primary by itself until it does`);
      this.notOffered = true;
      this.waits.wake();
      return;
    }
    if (reply.kind === "none") {
      metrics.leaseRenewals.inc({ outcome: "no_answer" });
      this.noAnswer(reply.failure, reply.why);
      return;
    }
    this.answered();
    this.notOffered = false;
    // The server became a standby while the request was out: the answer is about a state that is gone.
    if (this.role !== "primary") return;
    const { answer } = reply;
    this.epoch = answer.epoch;
    if (answer.granted) {
      metrics.leaseRenewals.inc({ outcome: "granted" });
      await this.adoptRoster(answer.witnessRoster);
      if (this.stopping || this.role !== "primary") return;
      this.grant = { sentAt, periodMs: answer.periodMs, restored: false };
      this.refusal = null;
      const granted = { ...this.state, grant: { sentAt: new Date(sentAtWall).toISOString(), periodMs: answer.periodMs } };
      if (this.store.grantWorthWriting(granted.grant)) this.save(granted, false);
      else this.state = granted;
      this.warnIfTooShort(answer.periodMs);
    } else {
      metrics.leaseRenewals.inc({ outcome: "refused" });
      if (this.refusal !== answer.reason) log.warn("primary_lease.refused", `the control plane refuses the lease: ${answer.reason}`, { epoch: answer.epoch });
      this.refusal = answer.reason;
      this.grant = null;
      // Durable: a restart must not bring back a grant the control plane has since refused.
      this.save({ ...this.state, grant: null }, true);
    }
    this.waits.wake();
  }

  /**
   * The witnesses a grant lists, once the roster checks out; a roster that
   * does not leaves the lease to the control plane alone. A witness whose key
   * changed, or who is no longer listed, keeps none of its earlier vouches.
   */
  private async adoptRoster(token: string): Promise<void> {
    const { agentName, controlPlaneKeys, replica, log } = this.options;
    // The control plane sends the same signed roster until it changes: verified once under the same trusted keys, it says the same again.
    const checked = `${controlPlaneKeys.ids.join(",")} ${token}`;
    if (checked === this.rosterChecked) return;
    this.rosterChecked = checked;
    const verdict = await verifyRoster(token, controlPlaneKeys, { agentName, ...replica });
    if (!verdict.ok) {
      if (this.rosterProblem !== verdict.reason) log.error("bug", "primary_lease.roster_refused", `${verdict.reason}; no witness vouch counts until a grant carries a roster that checks out`);
      this.rosterProblem = verdict.reason;
      this.roster = new Map();
    } else {
      if (this.rosterProblem !== null) log.info("primary_lease.roster_accepted", "the control plane's witness roster checks out again");
      this.rosterProblem = null;
      const before = this.roster;
      this.roster = verdict.roster;
      for (const [name, listed] of before) {
        const now = verdict.roster.get(name);
        if (now && now.key.equals(listed.key)) continue;
        this.vouches.delete(name);
        this.counters.delete(name);
      }
    }
    for (const name of this.vouches.keys()) if (!this.roster.has(name)) this.vouches.delete(name);
  }

  /** A vouch that reached the server: it counts only if it checks out (verifyVouch). */
  private vouched(payload: string | undefined, arrivedAt: number): void {
    const arrivedUs = this.session.serverTimeUs(arrivedAt);
    if (arrivedUs === null) return;
    const verdict = verifyVouch(payload, { self: this.options.replica, roster: this.roster, counters: this.counters, arrivedUs });
    const { metrics, log } = this.options;
    if (!verdict.accepted) {
      metrics.vouches.inc({ outcome: "refused" });
      if (arrivedAt - this.refusedVouchLoggedAt >= REPEAT_LOG_MS) {
        this.refusedVouchLoggedAt = arrivedAt;
        log.warn("primary_lease.vouch_refused", `a message on the witnesses' channel does not count as a witness's vouch: ${verdict.reason} (logged once a minute; switchyard_agent_vouches_total counts them)`);
      }
      return;
    }
    metrics.vouches.inc({ outcome: "accepted" });
    this.counters.set(verdict.witness, verdict.counter);
    const at = this.session.monotonicMs(verdict.atUs)!;
    this.vouches.set(verdict.witness, Math.max(this.vouches.get(verdict.witness) ?? Number.NEGATIVE_INFINITY, at));
  }

  private async fence(decision: LeaseDecision, reason: SelfFenceReason): Promise<void> {
    const { stateDir, metrics, log } = this.options;
    // Before the fence: a command recorded from now on is one the control plane gave after it.
    const commandsBefore = fenceCommandIds(stateDir);
    try {
      const result = await this.session.fence();
      if (!result.fenced) {
        log.error("database_error", "primary_lease.fence_failed", `${decision.sentence}, but the fence failed: ${result.problem}; trying again`, { rule: decision.rule });
        return;
      }
      if (result.wasReadOnly) {
        log.info("primary_lease.fence_found", `${decision.sentence}; the server was read-only already, so the fence is not this agent's to undo`, { rule: decision.rule });
        return;
      }
      this.save({ ...this.state, selfFence: { at: new Date(this.wallClock()).toISOString(), commandsBefore } }, true);
      metrics.selfFences.inc({ reason });
      log.warn("primary_lease.self_fenced", `${decision.sentence}: the server refuses writes now`, {
        rule: decision.rule,
        reason,
        finalPosition: result.finalPosition,
        terminatedSessions: result.terminatedSessions,
      });
    } catch (error) {
      log.error("database_error", "primary_lease.fence_failed", `${decision.sentence}, but the fence failed: ${errorMessage(error)}; trying again`, { rule: decision.rule });
    }
  }

  /**
   * Undoes this agent's own fence. Whether it is still its own is read in the
   * fence's turn (see fence-turn.ts): a fence command admitted meanwhile
   * waits for the reset to finish and fences again, or is seen and the reset
   * is called off.
   */
  private async unfence(): Promise<void> {
    const { stateDir, log } = this.options;
    const selfFence = this.state.selfFence!;
    // Set in the callback below, which the compiler cannot follow; hence the widening cast.
    let ownership = { own: true } as FenceOwnership;
    try {
      const result = await this.session.unfence(() => {
        ownership = fenceOwnership(stateDir, selfFence.commandsBefore);
        return ownership.own ? null : ownership.reason;
      });
      if (result.unfenced) {
        this.withheld = null;
        this.save({ ...this.state, selfFence: null }, true);
        log.info("primary_lease.unfenced", "the control plane granted the lease again: this agent's own fence is undone, the server takes writes");
      } else if (result.calledOff && !ownership.own && ownership.commanded) {
        this.save({ ...this.state, selfFence: null }, true);
        log.info("primary_lease.fence_handed_over", `leaving the read-only setting as it is: ${result.problem}`);
      } else if (result.calledOff) {
        if (this.withheld !== result.problem) log.warn("primary_lease.unfence_withheld", `not undoing this agent's fence: ${result.problem}; a person or an unfence command decides`);
        this.withheld = result.problem;
      } else {
        log.error("database_error", "primary_lease.unfence_failed", `cannot undo this agent's fence: ${result.problem}; trying again`);
      }
    } catch (error) {
      log.error("database_error", "primary_lease.unfence_failed", `cannot undo this agent's fence: ${errorMessage(error)}; trying again`);
    }
  }

  private save(state: LeaseState, durable: boolean): void {
    this.state = state;
    try {
      this.store.save(state, { durable });
    } catch (error) {
      this.options.log.error("bug", "primary_lease.state_unwritable", `cannot save the lease state in ${this.options.stateDir}: ${errorMessage(error)}`);
    }
  }

  /** Metrics always; a log line when the rule changes, not every tick. */
  private record(decision: LeaseDecision): void {
    const { metrics, log } = this.options;
    metrics.primaryLeaseHeld.set(decision.held ? 1 : 0);
    if (decision.rule === this.lastRule) return;
    this.lastRule = decision.rule;
    const fields = { rule: decision.rule, held: decision.held, action: decision.action };
    if (decision.rule === "server-unknown") log.warn("primary_lease.decision", `${decision.sentence} (${this.session.error ?? "unknown error"})`, fields);
    else if (decision.rule === "refused" || decision.rule === "lapsed") log.warn("primary_lease.decision", decision.sentence, fields);
    else log.info("primary_lease.decision", decision.sentence, fields);
  }

  /** An interval too close to the period leaves the lease to lapse between two renewals. */
  private warnIfTooShort(periodMs: number): void {
    if (periodMs >= shortestPrimaryLeaseMs({ intervalSeconds: this.options.intervalMs / 1000 }) || this.shortPeriodWarned === periodMs) return;
    this.shortPeriodWarned = periodMs;
    this.options.log.warn(
      "primary_lease.period_short",
      `the lease lasts ${periodMs} ms, which leaves little room for renewals every ${this.options.intervalMs} ms: a single slow answer fences the primary; lengthen the policy's heartbeat window or shorten the agent's interval`,
      { periodMs, intervalMs: this.options.intervalMs },
    );
  }

  /** No answer: logged when a streak begins and then once a minute. */
  private noAnswer(failure: Failure, why: string): void {
    if (!this.streak.addLogged()) return;
    this.options.log.error(failure, "primary_lease.no_answer", `${why}; until it answers, the lease lasts as long as its last grant or the witnesses' vouches`, { failures: this.streak.failures });
  }

  private answered(): void {
    const failed = this.streak.end();
    if (failed > 0) this.options.log.info("primary_lease.answered", `the control plane answers lease requests again after ${failed} without an answer`);
  }
}
