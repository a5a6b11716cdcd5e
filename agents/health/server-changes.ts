import { performance } from "node:perf_hooks";
import type { CommandExecutor } from "../commands/command-executor";
import type { VerifiedCommand } from "../commands/verify-command";

/** Commands after which the server may have another role or writability than the agent last saw. */
const CHANGING: ReadonlySet<VerifiedCommand["kind"]> = new Set(["fence", "unfence", "promote", "repoint", "rewind"]);

const named = (kind: string) => `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} command`;

/**
 * Which commands are changing the server, so that the health endpoints stop
 * trusting the agent's latest probe from the moment a fence command starts,
 * not from its next probe: during a switchover the old primary's /primary
 * must go 503 before the new one can answer 200.
 */
export class ServerChanges {
  private readonly running = new Map<number, VerifiedCommand["kind"]>();
  private next = 0;
  private last: { kind: VerifiedCommand["kind"]; endedAt: number } | null = null;

  constructor(private readonly monotonic: () => number = () => performance.now()) {}

  /** Marks a command as running; call the returned function when it has ended, however it ended. */
  started(kind: VerifiedCommand["kind"]): () => void {
    const id = this.next++;
    this.running.set(id, kind);
    return () => {
      this.running.delete(id);
      this.last = { kind, endedAt: this.monotonic() };
    };
  }

  /** Why a probe that started at `probedAt` may no longer say how the server is, or null. */
  since(probedAt: number): string | null {
    const [kind] = this.running.values();
    if (kind !== undefined) return `${named(kind)} is running`;
    if (this.last && this.last.endedAt >= probedAt) return `${named(this.last.kind)} ended after the agent's latest probe of its server started`;
    return null;
  }
}

/** `executor`, with the commands that change the server tracked in `changes`. */
export function trackingServerChanges(executor: CommandExecutor, changes: ServerChanges): CommandExecutor {
  return {
    async execute(command) {
      if (!CHANGING.has(command.kind)) return executor.execute(command);
      const ended = changes.started(command.kind);
      try {
        return await executor.execute(command);
      } finally {
        ended();
      }
    },
  };
}
