import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { InPlaceFile } from "../in-place-file";

/**
 * What the lease keeper must remember across restarts, in
 * `primary-lease.json` in the agent's queue folder:
 * - the last grant (when its request was sent, wall clock, and its period),
 *   so that a restarted agent, or one that crashes over and over during a
 *   partition, never holds the lease longer than the control plane granted
 *   it; the control plane counts from its last grant, not from our start;
 * - its own fence: that the read-only setting is this agent's doing, which it
 *   undoes when the control plane grants the lease again, with the fence and
 *   unfence commands the ledger held then (a command since then means the
 *   control plane took the setting over).
 */
export const LEASE_STATE_FILE = "primary-lease.json";

const stateSchema = z.strictObject({
  version: z.literal(1),
  grant: z.nullable(z.strictObject({ sentAt: z.iso.datetime(), periodMs: z.int().check(z.gte(1)) })),
  selfFence: z.nullable(
    z.strictObject({
      at: z.iso.datetime(),
      /** null: the ledger could not be read then, so no later command can be told apart. */
      commandsBefore: z.nullable(z.array(z.string())),
    }),
  ),
});

export type LeaseState = Omit<z.infer<typeof stateSchema>, "version">;

export const EMPTY_LEASE_STATE: LeaseState = { grant: null, selfFence: null };

/**
 * A new grant is written only once the grant on disk is this share of its
 * period old: a restarted agent then reads back a grant at most a quarter
 * period (and one interval) older than the last it received, whose lease
 * ends that much sooner, never later. Writing every grant (a file written
 * and renamed every interval) was a tenth of a primary's agent CPU.
 */
export const GRANT_WRITTEN_AFTER_PERIOD_SHARE = 0.25;

/**
 * The file's width when written over in place (agents/in-place-file.ts): a
 * grant and a self-fence of a few commands. A torn file is a `problem` from
 * `open`: the keeper then starts with no grant and no grace (it fences a
 * writable primary at once), and with no self-fence to undo.
 */
const LEASE_STATE_BYTES = 512;

export class LeaseStateFile {
  /** When the grant on disk was sent (ms since the epoch), null when none is. */
  private grantOnDisk: number | null = null;

  private readonly out: InPlaceFile;

  private constructor(private readonly file: string) {
    this.out = new InPlaceFile(file, LEASE_STATE_BYTES);
  }

  /** The state kept in `dir`, and why it could not be read (then: nothing remembered). */
  static open(dir: string): { store: LeaseStateFile; state: LeaseState; problem: string | null } {
    mkdirSync(dir, { recursive: true });
    const store = new LeaseStateFile(path.join(dir, LEASE_STATE_FILE));
    let text: string;
    try {
      text = readFileSync(store.file, "utf8");
    } catch (error) {
      const problem = (error as NodeJS.ErrnoException).code === "ENOENT" ? null : `cannot read ${store.file}: ${(error as Error).message}`;
      return { store, state: EMPTY_LEASE_STATE, problem };
    }
    try {
      const { grant, selfFence } = stateSchema.parse(JSON.parse(text));
      store.grantOnDisk = grant ? Date.parse(grant.sentAt) : null;
      return { store, state: { grant, selfFence }, problem: null };
    } catch (error) {
      return { store, state: EMPTY_LEASE_STATE, problem: `${store.file} is damaged (${(error as Error).message.slice(0, 300)})` };
    }
  }

  /** Whether a state that differs from the one on disk only by this newer grant is worth writing (GRANT_WRITTEN_AFTER_PERIOD_SHARE). */
  grantWorthWriting(grant: { sentAt: string; periodMs: number }): boolean {
    return this.grantOnDisk === null || Date.parse(grant.sentAt) - this.grantOnDisk >= GRANT_WRITTEN_AFTER_PERIOD_SHARE * grant.periodMs;
  }

  /**
   * `durable` (a change of the self-fence) also survives a crash of the
   * machine. A grant is saved without it: after a crash an older grant is
   * read back, which only ends the lease sooner.
   */
  save(state: LeaseState, { durable }: { durable: boolean }): void {
    this.out.write(JSON.stringify({ version: 1, ...state }), { durable });
    this.grantOnDisk = state.grant ? Date.parse(state.grant.sentAt) : null;
  }

  close(): void {
    this.out.close();
  }
}
