import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../config";
import { createLogger } from "../log";
import { AgentMetrics } from "../metrics";
import { simulatedExecutor } from "./command-executor";
import { LEDGER_FILE } from "./command-ledger";
import { CommandKeyRing } from "./command-key-ring";
import { commandLoopFor } from "./command-loop-for";
import { createTestSigner } from "./test-signer";

let dir: string;
let logLines: Record<string, unknown>[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-command-config-"));
  logLines = [];
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loopFor(commands: boolean) {
  const signer = await createTestSigner({ agentName: "sim-agent", replica: "sim-1" });
  const config = parseAgentConfig(
    {
      controlPlaneUrl: "http://127.0.0.1:9",
      token: "t",
      agentName: "sim-agent",
      replica: { name: "sim-1", regionId: "sim:a", engine: "simulated", seed: 1 },
      queue: { dir: "queue" },
      ...(commands ? { commands: { publicKey: signer.publicKeyPem } } : {}),
    },
    path.join(dir, "agent.json"),
  );
  const keyRing = commands ? await CommandKeyRing.open(null, signer.publicKeyPem) : null;
  return commandLoopFor(config, keyRing, new AgentMetrics({ processMetrics: false }), createLogger("sim-agent", (line) => logLines.push(JSON.parse(line) as Record<string, unknown>)));
}

describe("commandLoopFor", () => {
  it("takes no commands without a commands section, and says so once", async () => {
    expect(await loopFor(false)).toBeNull();
    expect(logLines).toEqual([expect.objectContaining({ event: "commands.off", level: "info" })]);
  });

  it("turns commands off, not the agent, when the ledger is damaged", async () => {
    const queue = path.join(dir, "queue");
    mkdirSync(queue);
    writeFileSync(path.join(queue, LEDGER_FILE), "{");
    expect(await loopFor(true)).toBeNull();
    expect(logLines).toEqual([expect.objectContaining({ event: "commands.ledger_unreadable", failure: "bug", message: expect.stringMatching(/damaged.*takes no commands/) })]);
  });

  it("builds a loop when configured", async () => {
    expect(await loopFor(true)).not.toBeNull();
    expect(logLines).toEqual([]);
  });
});

describe("simulatedExecutor", () => {
  it("refuses every command: a simulated replica has nothing to act on", async () => {
    expect(await simulatedExecutor.execute({ id: "c", kind: "unfence", args: {}, claims: {} as never })).toEqual({
      status: "refused",
      output: null,
      error: "simulated replicas take no commands",
    });
  });
});
