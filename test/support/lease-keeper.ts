import type { HttpPoster } from "@/agents/http-post";
import { createLogger } from "@/agents/log";
import { AgentMetrics } from "@/agents/metrics";
import type { LeaseServer, SelfFenceResult, ServerState } from "@/agents/primary-lease/lease-server";
import { PrimaryLeaseKeeper, type PrimaryLeaseKeeperOptions } from "@/agents/primary-lease/primary-lease-keeper";

/** A local server the test scripts (its role), counting the keeper's reads and fences; a fence makes it read-only. */
export class ScriptedLeaseServer implements LeaseServer {
  reads = 0;
  fences = 0;
  readonly error = null;

  constructor(
    public role: ServerState["role"] = "primary",
    public readOnly = false,
  ) {}

  async read(): Promise<ServerState> {
    this.reads++;
    return { role: this.role, readOnly: this.readOnly };
  }
  serverTimeUs(monotonicMs: number): number {
    return monotonicMs * 1000;
  }
  monotonicMs(serverUs: number): number {
    return serverUs / 1000;
  }
  async askForVouches(): Promise<void> {}
  async fence(): Promise<SelfFenceResult> {
    this.fences++;
    this.readOnly = true;
    return { fenced: true, finalPosition: "0/1", terminatedSessions: 0, wasReadOnly: false };
  }
  async unfence(): Promise<never> {
    throw new Error("not in this test");
  }
  async close(): Promise<void> {}
}

/**
 * A started keeper of `server`, its control plane `post` (no witnesses, no
 * trusted keys: a grant's roster never checks out), its state in `stateDir`;
 * its log lines, parsed, go to `log` when given.
 */
export function startTestKeeper(options: {
  server: LeaseServer;
  stateDir: string;
  intervalMs: number;
  post: HttpPoster["post"];
  graceMs?: number;
  log?: (line: Record<string, unknown>) => void;
}): PrimaryLeaseKeeper {
  const { server, log } = options;
  const keeperOptions: PrimaryLeaseKeeperOptions = {
    controlPlaneUrl: "http://127.0.0.1:9",
    http: { post: options.post, close: () => {} },
    token: "agent-token",
    agentName: "agent-test",
    controlPlaneKeys: { ids: [], keyFor: () => undefined },
    replica: { replica: "pg-test", regionId: "us-east-1" },
    intervalMs: options.intervalMs,
    timeoutMs: 1000,
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
    server: () => server,
    stateDir: options.stateDir,
    metrics: new AgentMetrics({ processMetrics: false }),
    log: createLogger("agent-test", (line) => log?.(JSON.parse(line) as Record<string, unknown>)),
  };
  const keeper = new PrimaryLeaseKeeper(keeperOptions);
  keeper.start();
  return keeper;
}
