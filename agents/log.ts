/**
 * Structured logs: one JSON object per line on stdout, so a log shipper can
 * index them without parsing prose. Errors carry `failure`, which says what
 * failed, because each kind asks for a different response from whoever reads
 * the log: an unreachable control plane is a network or control-plane issue,
 * a database error is about the replica, and a bug is about the agent itself.
 */
export type Failure = "control_plane_unreachable" | "database_error" | "bug";
export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(failure: Failure, event: string, message: string, fields?: LogFields): void;
}

const RESERVED = new Set(["time", "level", "agent", "event", "message", "failure"]);

export function createLogger(agent: string, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (level: LogLevel, event: string, message: string, fields: LogFields = {}, failure?: Failure) => {
    const entry: LogFields = { time: new Date().toISOString(), level, agent, event, message };
    if (failure) entry.failure = failure;
    // Extra fields never overwrite the ones every line must have.
    for (const [key, value] of Object.entries(fields)) if (!RESERVED.has(key)) entry[key] = value;
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (event, message, fields) => emit("info", event, message, fields),
    warn: (event, message, fields) => emit("warn", event, message, fields),
    error: (failure, event, message, fields) => emit("error", event, message, fields, failure),
  };
}
