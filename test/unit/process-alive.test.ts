import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isProcessAlive, isProcessRunning } from "@/embedded/process-alive";
import { until } from "@/test/support/until";

describe("isProcessRunning", () => {
  it("is true for a running process and false for a pid that names none", () => {
    expect(isProcessRunning(process.pid)).toBe(true);
    expect(isProcessRunning(2 ** 22 + 1)).toBe(false);
  });

  it("is false for a process that exited and was not reaped (a zombie), which signal 0 and isProcessAlive still find", async () => {
    // The shell starts a background sleep and becomes a sleep itself, which never waits for its child.
    const parent = spawn("sh", ["-c", "sleep 60 & echo $!; exec sleep 60"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const child = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
      expect(isProcessRunning(child)).toBe(true);
      process.kill(child, "SIGKILL");
      const state = () => readFileSync(`/proc/${child}/stat`, "utf8").split(") ")[1]![0];
      await until("the killed sleep to be a zombie", state, (letter) => letter === "Z", 5_000, 20);
      expect(isProcessAlive(child)).toBe(true);
      expect(isProcessRunning(child)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
