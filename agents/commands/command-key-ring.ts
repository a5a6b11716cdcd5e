import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { ed25519PublicKeyPem } from "../config";
import { verifyKeyStatement, type CommandKeys } from "./key-statement";
import { importCommandKey, type CommandKey } from "./verify-command";

/** In the agent's queue folder, beside the command ledger. */
export const KEY_RING_FILE = "command-keys.json";

const ringStateSchema = z.strictObject({
  /** The id of the key the config pins: a config pinning another key (a new enrollment) starts the ring again from it. */
  pinned: z.string().check(z.minLength(1)),
  generation: z.int().check(z.gte(0)),
  keys: z.array(z.strictObject({ id: z.string().check(z.minLength(1)), publicKey: ed25519PublicKeyPem })).check(z.minLength(1)),
});

type RingState = z.infer<typeof ringStateSchema>;

export type StatementOutcome =
  | { kind: "applied"; generation: number; keys: string[] }
  | { kind: "stale"; generation: number }
  | { kind: "refused"; reason: string };

/**
 * The command keys this agent trusts: at first only the one its config pins
 * (taken at enrollment), then whatever the signed key statements say, each
 * verified with the keys trusted before it (key-statement.ts), so that the
 * control plane can rotate its key without anyone touching the agent. Kept
 * in a file (mode 0600) so a restart neither forgets a rotation nor trusts a
 * retired key again.
 */
export class CommandKeyRing implements CommandKeys {
  private constructor(
    private readonly file: string | null,
    private state: RingState,
    private imported: Map<string, CommandKey>,
  ) {}

  /**
   * The ring kept in `dir` (null: in memory only), or one trusting only the
   * pinned key when there is none, it cannot be read, or it was started from
   * another pinned key.
   */
  static async open(dir: string | null, pinnedPem: string): Promise<CommandKeyRing> {
    const pinned = commandKeyFingerprint(pinnedPem);
    const file = dir === null ? null : path.join(dir, KEY_RING_FILE);
    let state: RingState = { pinned, generation: 0, keys: [{ id: pinned, publicKey: pinnedPem }] };
    if (file) {
      const saved = readRing(file);
      if (saved?.pinned === pinned) state = saved;
    }
    return new CommandKeyRing(file, state, await importAll(state));
  }

  get generation(): number {
    return this.state.generation;
  }

  get ids(): readonly string[] {
    return this.state.keys.map((key) => key.id);
  }

  keyFor(id: string): CommandKey | undefined {
    return this.imported.get(id);
  }

  /**
   * Applies the statements in order, each verified against the keys trusted
   * at that point; one that is not newer than what the ring holds is passed
   * over, one that does not verify changes nothing.
   */
  async accept(statements: readonly string[]): Promise<StatementOutcome[]> {
    const outcomes: StatementOutcome[] = [];
    for (const token of statements) {
      const verdict = await verifyKeyStatement(token, this, this.state.generation);
      if (verdict.kind === "stale") outcomes.push(verdict);
      else if (verdict.kind === "refuse") outcomes.push({ kind: "refused", reason: verdict.reason });
      else {
        const next: RingState = { pinned: this.state.pinned, generation: verdict.claims.generation, keys: verdict.claims.keys };
        const imported = await importAll(next);
        this.save(next);
        this.state = next;
        this.imported = imported;
        outcomes.push({ kind: "applied", generation: next.generation, keys: next.keys.map((key) => key.id) });
      }
    }
    return outcomes;
  }

  /** Replaces the file whole (a crash leaves the old or the new one), readable by its owner only. */
  private save(state: RingState): void {
    if (!this.file) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}

function readRing(file: string): RingState | null {
  try {
    const parsed = ringStateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function importAll(state: RingState): Promise<Map<string, CommandKey>> {
  const entries = await Promise.all(state.keys.map(async (key) => [key.id, await importCommandKey(key.publicKey)] as const));
  return new Map(entries);
}
