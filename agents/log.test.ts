import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, streamWriter } from "./log";

describe("agent logs", () => {
  it("write one JSON object per line, errors sorted by what failed", () => {
    const lines: string[] = [];
    const log = createLogger("eu-agent", (line) => lines.push(line));
    log.info("agent.started", "started", { peers: 2 });
    log.error("database_error", "replica.unreachable", "connect ECONNREFUSED", { failure: "bug", event: "spoofed", attempt: 3 });
    expect(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    const [info, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(info).toMatchObject({ level: "info", agent: "eu-agent", event: "agent.started", message: "started", peers: 2 });
    expect(info).not.toHaveProperty("failure");
    expect(Date.parse(String(info!.time))).not.toBeNaN();
    expect(error).toMatchObject({ level: "error", event: "replica.unreachable", failure: "database_error", attempt: 3 });
  });

  it("drops its lines once stdout fails (its reader went away) instead of failing on every line", async () => {
    let writes = 0;
    const closed = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const log = createLogger("agent-1", streamWriter(closed));
      log.info("first", "the reader is gone");
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 100; i += 1) log.error("bug", "again", "and again");
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(writes).toBe(1);
    expect(uncaught).toEqual([]);
  });
});
