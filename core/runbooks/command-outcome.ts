export interface CommandState {
  replica: string;
  status: "pending" | "delivered" | "succeeded" | "failed" | "refused" | "expired";
  error: string | null;
}

export type CommandsOutcome = { state: "waiting" } | { state: "succeeded" } | { state: "failed"; reason: string };

/**
 * An agent step over several replicas succeeds when every command did, fails
 * as soon as one failed, was refused or expired, and waits otherwise.
 */
export function commandsOutcome(commands: readonly CommandState[]): CommandsOutcome {
  const failed = commands.filter((command) => command.status === "failed" || command.status === "refused" || command.status === "expired");
  if (failed.length) {
    return {
      state: "failed",
      reason: failed.map((command) => `${command.replica}: ${command.status}${command.error ? ` (${command.error})` : ""}`).join("; "),
    };
  }
  if (commands.length && commands.every((command) => command.status === "succeeded")) return { state: "succeeded" };
  return { state: "waiting" };
}
