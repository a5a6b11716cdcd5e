import { performance } from "node:perf_hooks";
import { COMMAND_OUTPUTS, pendingCommandsSchema, type CommandResult } from "@/contracts/agent-commands";
import { errorMessage, truncate } from "../error-message";
import { createHttpClient, type HttpAnswer, type HttpClient } from "../http-post";
import type { Logger } from "../log";
import type { AgentMetrics } from "../metrics";
import { parseJson } from "../parse-json";
import { backoffDelayMs, FailureStreak, LoopWaits } from "../retry";
import { failed, type CommandExecutor } from "./command-executor";
import type { CommandAnswer, CommandLedger } from "./command-ledger";
import type { CommandKeyRing } from "./command-key-ring";
import { unverifiedLabels, verifyCommand, type CommandVerifier, type VerifiedCommand } from "./verify-command";

export const COMMANDS_PATH = "/api/v1/agents/commands";

/** A refused token is not the network's fault: retrying fast would only hammer the control plane. */
const UNAUTHORIZED_RETRY_MS = 60_000;
/** The poll is answered within waitSeconds; past this much more the connection is presumed dead. */
const POLL_GRACE_MS = 10_000;
const RESULT_TIMEOUT_MS = 10_000;
/** A server (or proxy) that answers a long-poll at once instead of holding it is polled at most this often. */
const MIN_EMPTY_POLL_MS = 1000;
/** Asked for reports (`reportNow`) more often than this, the agent answers as if not asked: a report probes its server and its peers. */
export const MIN_REPORT_NOW_MS = 200;
const MAX_ERROR_LENGTH = 2000;

export interface CommandLoopOptions {
  controlPlaneUrl: string;
  token: string;
  /** Who commands must be for; they are verified with `keyRing`'s keys. */
  verifier: Omit<CommandVerifier, "keys">;
  /** The keys this agent trusts, kept up to date by the key statements polls bring. */
  keyRing: CommandKeyRing;
  pollSeconds: number;
  ledger: CommandLedger;
  executor: CommandExecutor;
  metrics: AgentMetrics;
  log: Logger;
  http?: HttpClient;
  /** The pause after the n-th failure in a row; defaults to jittered exponential backoff capped at ~30 s. */
  backoffMs?: (failures: number) => number;
  /**
   * Probes and reports now: when the control plane asks (a run step waits on
   * this agent's report), and after each command executed (it changed what
   * the agent reports). The next interval's report comes as usual.
   */
  reportNow?: () => void;
}

interface Pending {
  id: string;
  token: string;
}

/**
 * Fetches commands by long-poll and handles them strictly one at a time, in
 * order: verify → guard (ledger) → execute → persist the answer → post it,
 * after adopting the key statements the same poll brought (so a command
 * signed by a key that a rotation just completed is verified with it),
 * until the control plane holds it. Nothing else is fetched meanwhile, so a
 * command never overtakes the answer of the one before. Answers of executed
 * commands are in the ledger until delivered: after a restart they are
 * posted before anything new is fetched. Refusals are not persisted: the
 * control plane hands the command out again and it is refused again.
 *
 * The loop never ends on its own: every failure is logged and waited out.
 */
export class CommandLoop {
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly backoffMs: (failures: number) => number;
  private readonly waits = new LoopWaits();
  private readonly streak = new FailureStreak();
  private running: Promise<void> | null = null;
  private reportAskedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: CommandLoopOptions) {
    this.http = options.http ?? createHttpClient();
    // Appended, not resolved: a control plane may live under a path prefix.
    this.base = `${options.controlPlaneUrl.replace(/\/+$/, "")}${COMMANDS_PATH}`;
    this.backoffMs = options.backoffMs ?? ((failures) => backoffDelayMs(failures, Math.random));
  }

  /** The newest fencing epoch this agent accepted a command from (0: none). */
  get highestEpoch(): number {
    return this.options.ledger.highestEpoch;
  }

  start(): void {
    const { ledger, metrics, log } = this.options;
    metrics.epoch.set(ledger.highestEpoch);
    for (const entry of ledger.interrupted) {
      metrics.commands.inc({ kind: entry.kind, outcome: "failed" });
      log.error("bug", "command.interrupted", `command ${entry.id} (${entry.kind}) was executing when the agent stopped; answering failed, not running it again`, {
        id: entry.id,
        kind: entry.kind,
        epoch: entry.epoch,
      });
    }
    this.running ??= this.run();
  }

  /**
   * Abandons the poll and any retry; a command being executed finishes (and
   * its answer is persisted) first, since stopping half-way would leave the
   * replica in a state nobody knows.
   */
  async stop(): Promise<void> {
    this.waits.stop();
    await this.running;
    this.http.close();
  }

  private get stopping(): boolean {
    return this.waits.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.deliverBacklog();
        const commands = await this.poll();
        for (const pending of commands) {
          if (this.stopping) break;
          await this.handle(pending);
        }
      } catch (error) {
        this.options.log.error("bug", "commands.loop_failed", `the command loop failed unexpectedly: ${errorMessage(error)}`, { stack: (error as Error).stack });
        await this.waits.sleep(this.backoffMs(this.streak.add()));
      }
    }
  }

  private async deliverBacklog(): Promise<void> {
    for (const entry of this.options.ledger.undelivered()) {
      if (this.stopping) return;
      await this.deliver(entry.id, entry.answer!, true);
    }
  }

  /** The pending commands, or none after a failure (which has been waited out). */
  private async poll(): Promise<Pending[]> {
    if (this.stopping) return [];
    const { token, pollSeconds, keyRing } = this.options;
    const url = new URL(`${this.base}?waitSeconds=${pollSeconds}&keyGeneration=${keyRing.generation}`);
    const started = performance.now();
    let answer: HttpAnswer;
    try {
      answer = await this.http.get(url, { authorization: `Bearer ${token}` }, pollSeconds * 1000 + POLL_GRACE_MS, this.waits.signal);
    } catch (error) {
      if (!this.stopping) await this.failed("commands.unreachable", `cannot fetch commands: ${errorMessage(error)}`);
      return [];
    }
    if (answer.status === 200) {
      const parsed = pendingCommandsSchema.safeParse(parseJson(answer.body));
      if (parsed.success) {
        this.recovered();
        const elapsed = performance.now() - started;
        await this.adoptKeyStatements(parsed.data.keyStatements);
        // Asked for a report, the agent polls again at once: the step waiting on the report may issue a command next.
        const reportAsked = parsed.data.reportNow && this.askedForReport();
        if (parsed.data.commands.length === 0 && !reportAsked && elapsed < MIN_EMPTY_POLL_MS) await this.waits.sleep(MIN_EMPTY_POLL_MS - elapsed);
        return parsed.data.commands;
      }
      this.options.log.error("bug", "commands.invalid_answer", "the control plane answered the command poll with something that is not PendingAgentCommands", {
        answer: truncate(answer.body, 500),
      });
      await this.waits.sleep(this.backoffMs(this.streak.add()));
      return [];
    }
    await this.answeredBadly("poll", answer);
    return [];
  }

  /** Reports now, unless asked less than MIN_REPORT_NOW_MS ago (then false: a control plane asking in a loop is waited out like an empty poll). */
  private askedForReport(): boolean {
    const now = performance.now();
    if (now - this.reportAskedAt < MIN_REPORT_NOW_MS) return false;
    this.reportAskedAt = now;
    this.options.reportNow?.();
    return true;
  }

  /** Applies the key statements a poll brought, in order, and says what changed or why one was refused. */
  private async adoptKeyStatements(statements: readonly string[]): Promise<void> {
    if (statements.length === 0) return;
    const { keyRing, log } = this.options;
    for (const outcome of await keyRing.accept(statements)) {
      if (outcome.kind === "applied") {
        log.info("command_keys.changed", `the control plane's key statement ${outcome.generation} checks out: commands are verified with ${outcome.keys.join(" and ")} from now on`, {
          generation: outcome.generation,
          keys: outcome.keys,
        });
      } else if (outcome.kind === "refused") {
        log.warn("command_keys.statement_refused", `a key statement was refused, the keys trusted stay ${keyRing.ids.join(" and ")}: ${outcome.reason}`, { generation: keyRing.generation });
      }
    }
  }

  private async handle(pending: Pending): Promise<void> {
    const { ledger, metrics, log, verifier, keyRing } = this.options;
    const started = performance.now();
    const verification = await verifyCommand(pending.id, pending.token, { ...verifier, keys: keyRing });
    let answer: CommandAnswer;
    let persisted = false;
    let labels: { kind: string; epoch: number | null };
    if (!verification.ok) {
      labels = unverifiedLabels(pending.token);
      answer = { status: "refused", output: null, error: verification.reason };
    } else {
      const { command } = verification;
      labels = { kind: command.kind, epoch: command.claims.epoch };
      const admission = ledger.admit(command);
      if (!admission.admitted) answer = admission.answer;
      else {
        metrics.epoch.set(ledger.highestEpoch);
        answer = await this.execute(command);
        ledger.finish(command.id, answer);
        persisted = true;
        this.options.reportNow?.();
      }
    }
    const durationMs = Math.round(performance.now() - started);
    metrics.commands.inc({ kind: labels.kind, outcome: answer.status });
    const fields = { id: pending.id, kind: labels.kind, epoch: labels.epoch, outcome: answer.status, durationMs, error: answer.error };
    const summary = `command ${pending.id} (${labels.kind}, epoch ${labels.epoch ?? "?"}) ${answer.status} in ${durationMs} ms`;
    if (answer.status === "succeeded") log.info("command.handled", summary, fields);
    else if (answer.status === "refused") log.warn("command.handled", `${summary}: ${answer.error}`, fields);
    else log.error("database_error", "command.handled", `${summary}: ${answer.error}`, fields);
    await this.deliver(pending.id, answer, persisted);
  }

  /** Runs an admitted command; whatever goes wrong becomes a failed answer, never an exception. */
  private async execute(command: VerifiedCommand): Promise<CommandAnswer> {
    let answer: CommandAnswer;
    try {
      answer = await this.options.executor.execute(command);
    } catch (error) {
      return failed(errorMessage(error));
    }
    if (answer.status !== "succeeded") return answer;
    const output = COMMAND_OUTPUTS[command.kind].safeParse(answer.output);
    if (output.success) return answer;
    this.options.log.error("bug", "command.invalid_output", `the ${command.kind} executor produced an output the contract refuses: ${output.error.message}`, { id: command.id });
    return failed(`the agent produced an invalid ${command.kind} output (a bug in the agent); the command itself ran`, answer.output);
  }

  /** Posts an answer until the control plane holds it (200, 409) or cannot (404, 400), or the loop stops. */
  private async deliver(id: string, answer: CommandAnswer, persisted: boolean): Promise<void> {
    const { ledger, token, log } = this.options;
    const url = new URL(`${this.base}/${encodeURIComponent(id)}/result`);
    while (!this.stopping) {
      const result: CommandResult = { ...answer, error: answer.error === null ? null : truncate(answer.error, MAX_ERROR_LENGTH), agentEpoch: ledger.highestEpoch };
      let response: HttpAnswer;
      try {
        response = await this.http.post(url, JSON.stringify(result), { authorization: `Bearer ${token}` }, RESULT_TIMEOUT_MS, this.waits.signal);
      } catch (error) {
        if (!this.stopping) await this.failed("commands.unreachable", `cannot post the result of command ${id}: ${errorMessage(error)}`);
        continue;
      }
      const { status } = response;
      if (status === 200 || status === 409) {
        this.recovered();
        if (status === 409) log.info("command.result_known", `the control plane already holds a result for command ${id}`, { id });
        if (persisted) ledger.markDelivered(id);
        return;
      }
      if (status === 404 || status === 400) {
        const why = status === 404 ? "does not know the command" : `refused the result: ${truncate(response.body, 500)}`;
        log.error("bug", "command.result_dropped", `the control plane ${why}; dropping the result of command ${id}`, { id, status });
        if (persisted) ledger.markDelivered(id);
        // Resending cannot help; a control plane that hands the command out again anyway is held to one round a backoff.
        await this.waits.sleep(this.backoffMs(this.streak.add()));
        return;
      }
      await this.answeredBadly(`result of command ${id}`, response);
    }
  }

  /** Waits out an answer that is neither success nor a verdict on the request itself. */
  private async answeredBadly(what: string, answer: HttpAnswer): Promise<void> {
    const { status } = answer;
    if (status === 401 || status === 403) {
      this.streak.add();
      this.options.log.error("control_plane_unreachable", "commands.unauthorized", `the control plane refused the agent token (${status}) for the ${what}; retrying in a minute`, { status });
      await this.waits.sleep(UNAUTHORIZED_RETRY_MS * (0.5 + 0.5 * Math.random()));
      return;
    }
    if (status >= 500 || status === 429) {
      await this.failed("commands.unreachable", `the control plane answered ${status} to the ${what}`);
      return;
    }
    this.options.log.error("bug", "commands.unexpected_status", `the control plane answered ${status} to the ${what}, which the agent does not expect`, {
      status,
      answer: truncate(answer.body, 500),
    });
    await this.waits.sleep(this.backoffMs(this.streak.add()));
  }

  /** A failure to reach the control plane: logged when a streak begins and then once a minute, and waited out. */
  private async failed(event: string, message: string): Promise<void> {
    const logged = this.streak.addLogged();
    const delay = this.backoffMs(this.streak.failures);
    if (logged) this.options.log.error("control_plane_unreachable", event, `${message}; retrying in ${delay} ms`, { failures: this.streak.failures, retryInMs: delay });
    await this.waits.sleep(delay);
  }

  private recovered(): void {
    const failed = this.streak.end();
    if (failed > 0) this.options.log.info("commands.recovered", `the control plane answers again after ${failed} failed attempts`);
  }
}
