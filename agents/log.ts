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

/**
 * Writes log lines to `stream` (stdout) until it fails. A stdout whose reader
 * went away (a log pipe closed, a shipper that died) fails every write with
 * EPIPE; unheeded, each failure is an uncaught exception, which the agent
 * logs, which fails again: measured, a core spinning at 100 % for as long as
 * the agent runs. From the first failure on, lines are dropped: the agent
 * goes on doing its work (its fence among it) without logs, rather than
 * stopping over them.
 */
export function streamWriter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let failed = false;
  stream.on("error", () => {
    failed = true;
  });
  return (line) => {
    if (!failed) stream.write(line);
  };
}

export function createLogger(agent: string, write: (line: string) => void = streamWriter()): Logger {
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
