import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { agentCommandKindSchema, commandResultSchema, type CommandResult } from "@/contracts/agent-commands";
import { replaceFileDurably } from "../durable-file";
import type { VerifiedCommand } from "./verify-command";

/**
 * What this agent has done with commands, on disk (`commands.json` in the
 * queue folder), so that neither a restart nor a re-sent command makes it act
 * twice or act on an older epoch:
 * - the highest fencing epoch it has accepted a command from. Design rule
 *   "one-writable-primary" (docs/design-rules.md): a former primary that comes back refuses commands from before its
 *   demotion, whatever the network delivers late;
 * - every command it started, with its result until the control plane holds
 *   it and the command has expired. Past its expiry a re-sent command fails
 *   verification anyway, so the entry is no longer needed.
 *
 * A command is recorded as executing before it runs. One still executing when
 * the ledger is opened was cut off by a crash: it is not run again (it may
 * have half happened) but answered failed, for a human or the control plane
 * to look at the replica.
 *
 * Every change replaces the file atomically (temporary file, fsync, rename,
 * fsync of the folder): a kill leaves either the old ledger or the new one.
 */

export const LEDGER_FILE = "commands.json";

/** Far beyond any clock tolerance or clock step: an entry is kept this long past its command's expiry. */
const KEEP_PAST_EXPIRY_SECONDS = 3600;

export type CommandAnswer = Pick<CommandResult, "status" | "output" | "error">;

const answerSchema = z.pick(commandResultSchema, { status: true, output: true, error: true });

const entrySchema = z.object({
  id: z.string(),
  kind: agentCommandKindSchema,
  epoch: z.int(),
  /** The command's expiry, seconds since the epoch. */
  exp: z.number(),
  startedAt: z.iso.datetime(),
  finishedAt: z.nullable(z.iso.datetime()),
  /** null while executing. */
  answer: z.nullable(answerSchema),
  /** The control plane holds the answer (it answered 200, 409 or 404). */
  delivered: z.boolean(),
});

const ledgerFileSchema = z.object({
  version: z.literal(1),
  highestEpoch: z.int().check(z.gte(0)),
  commands: z.array(entrySchema),
});

export type LedgerEntry = z.infer<typeof entrySchema>;
type LedgerFile = z.infer<typeof ledgerFileSchema>;

export type Admission = { admitted: true } | { admitted: false; answer: CommandAnswer };

export class LedgerError extends Error {
  override name = "LedgerError";
}

export const RESTARTED_WHILE_EXECUTING = "the agent restarted while executing it; state unknown";

export class CommandLedger {
  private state: LedgerFile = { version: 1, highestEpoch: 0, commands: [] };
  /** Commands found executing when the ledger was opened, now answered failed. */
  readonly interrupted: LedgerEntry[] = [];

  private constructor(
    private readonly file: string,
    private readonly now: () => Date,
  ) {}

  /** Throws LedgerError when the file exists but cannot be read as a ledger: the epoch it held is unknown. */
  static open(dir: string, now: () => Date = () => new Date()): CommandLedger {
    mkdirSync(dir, { recursive: true });
    const ledger = new CommandLedger(path.join(dir, LEDGER_FILE), now);
    ledger.load();
    return ledger;
  }

  get highestEpoch(): number {
    return this.state.highestEpoch;
  }

  find(id: string): LedgerEntry | undefined {
    return this.state.commands.find((entry) => entry.id === id);
  }

  /**
   * The guard: a command already started is never started again (answered
   * refused, with what it produced the first time), and one from an epoch
   * older than the highest seen is refused. An admitted command is recorded
   * as executing and raises the highest epoch to its own, before it runs.
   */
  admit(command: VerifiedCommand): Admission {
    const { epoch, exp } = command.claims;
    const earlier = this.find(command.id);
    if (earlier) {
      return {
        admitted: false,
        answer: {
          status: "refused",
          output: earlier.answer?.output ?? null,
          error: `command ${command.id} was already executed at ${earlier.startedAt}; not executing it again`,
        },
      };
    }
    if (epoch < this.state.highestEpoch) {
      return { admitted: false, answer: { status: "refused", output: null, error: `stale epoch ${epoch}: this agent has seen epoch ${this.state.highestEpoch}` } };
    }
    const entry: LedgerEntry = { id: command.id, kind: command.kind, epoch, exp, startedAt: this.now().toISOString(), finishedAt: null, answer: null, delivered: false };
    this.save({ ...this.state, highestEpoch: epoch, commands: [...this.state.commands, entry] });
    return { admitted: true };
  }

  finish(id: string, answer: CommandAnswer): void {
    this.update(id, (entry) => ({ ...entry, answer, finishedAt: this.now().toISOString() }));
  }

  markDelivered(id: string): void {
    this.update(id, (entry) => ({ ...entry, delivered: true }));
  }

  /** Finished commands whose answer the control plane may not hold yet, oldest first. */
  undelivered(): LedgerEntry[] {
    return this.state.commands.filter((entry) => entry.answer !== null && !entry.delivered);
  }

  private update(id: string, change: (entry: LedgerEntry) => LedgerEntry): void {
    if (!this.find(id)) throw new Error(`command ${id} is not in the ledger`);
    this.save({ ...this.state, commands: this.state.commands.map((entry) => (entry.id === id ? change(entry) : entry)) });
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new LedgerError(`cannot read the command ledger ${this.file}: ${(error as Error).message}`);
    }
    let parsed: LedgerFile;
    try {
      parsed = ledgerFileSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new LedgerError(`the command ledger ${this.file} is damaged (${(error as Error).message.slice(0, 300)}); move it aside only once the replica's epoch is known`);
    }
    const finishedAt = this.now().toISOString();
    const commands = parsed.commands.map((entry) => {
      if (entry.answer !== null) return entry;
      const failed: LedgerEntry = { ...entry, finishedAt, answer: { status: "failed", output: null, error: RESTARTED_WHILE_EXECUTING } };
      this.interrupted.push(failed);
      return failed;
    });
    this.state = parsed;
    if (this.interrupted.length > 0) this.save({ ...parsed, commands });
  }

  private save(next: LedgerFile): void {
    const horizon = this.now().getTime() / 1000 - KEEP_PAST_EXPIRY_SECONDS;
    const pruned: LedgerFile = { ...next, commands: next.commands.filter((entry) => !(entry.delivered && entry.exp < horizon)) };
    replaceFileDurably(this.file, JSON.stringify(pruned));
    this.state = pruned;
  }
}
