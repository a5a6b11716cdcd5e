import { readFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { LEDGER_FILE } from "../commands/command-ledger";

/** Only what the keeper needs of `commands.json`; the command loop owns the file and its full schema. */
const ledgerSchema = z.object({ commands: z.array(z.object({ id: z.string(), kind: z.string() })) });

/**
 * The ids of the fence and unfence commands in the command ledger (a command
 * is recorded there before it runs), or null when the ledger cannot be read.
 * Read-only: opening it as a CommandLedger would also answer interrupted
 * commands, which is the command loop's business.
 */
export function fenceCommandIds(dir: string): string[] | null {
  let text: string;
  try {
    text = readFileSync(path.join(dir, LEDGER_FILE), "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? [] : null;
  }
  try {
    const { commands } = ledgerSchema.parse(JSON.parse(text));
    return commands.filter((entry) => entry.kind === "fence" || entry.kind === "unfence").map((entry) => entry.id);
  } catch {
    return null;
  }
}

export type FenceOwnership = { own: true } | { own: false; commanded: boolean; reason: string };

/**
 * Whether a fence this agent made itself is still its own to undo: not once
 * the control plane commanded a fence or an unfence since (`before`: the ids
 * when it fenced), and not while that cannot be ruled out.
 */
export function fenceOwnership(dir: string, before: readonly string[] | null): FenceOwnership {
  const unknown = (why: string): FenceOwnership => ({ own: false, commanded: false, reason: `${why}, so a fence the control plane commanded cannot be ruled out` });
  if (before === null) return unknown("the command ledger could not be read when this agent fenced");
  const now = fenceCommandIds(dir);
  if (now === null) return unknown("the command ledger cannot be read");
  const since = now.filter((id) => !before.includes(id));
  if (since.length === 0) return { own: true };
  return { own: false, commanded: true, reason: `the control plane has commanded a fence or unfence since this agent fenced itself (command ${since.join(", ")}); the setting is the control plane's now` };
}
