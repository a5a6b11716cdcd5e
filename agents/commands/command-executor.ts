import type { CommandAnswer } from "./command-ledger";
import type { VerifiedCommand } from "./verify-command";

/**
 * Acts on the local replica. Called only with a verified command that the
 * ledger admitted. A precondition the replica does not meet (promote on a
 * primary) is a refusal; an attempt that went wrong is a failure; throwing is
 * also a failure, with the error's message.
 */
export interface CommandExecutor {
  execute(command: VerifiedCommand): Promise<CommandAnswer>;
}

export const succeeded = (output: Record<string, unknown>): CommandAnswer => ({ status: "succeeded", output, error: null });
export const failed = (error: string, output: Record<string, unknown> | null = null): CommandAnswer => ({ status: "failed", output, error });
export const refused = (error: string, output: Record<string, unknown> | null = null): CommandAnswer => ({ status: "refused", output, error });

/** A simulated replica has no server to act on; pretending would hide that from whoever sent the command. */
export const simulatedExecutor: CommandExecutor = {
  execute: async () => refused("simulated replicas take no commands"),
};
