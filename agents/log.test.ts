import { describe, expect, it } from "vitest";
import { createLogger } from "./log";

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
});
