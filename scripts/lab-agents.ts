import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, fchmodSync, openSync } from "node:fs";
import { AGENT_ENVIRONMENT, agentNodeFlags } from "@/agents/node-flags";
import { FaultRefused } from "@/lab/fault-refused";
import type { AgentView } from "@/lab/network/control-api";
import type { AgentFaults } from "@/lab/network/controller";
import { findReplica } from "@/lab/topology";
import { stopChild } from "./stop-child";

/** A lab fault, not a setting: the agent stamps its reports with a wall clock shifted by this many ms. */
export const CLOCK_OFFSET_ENV = "SWITCHYARD_AGENT_CLOCK_OFFSET_MS";

export interface LabAgentSpec {
  replica: string;
  regionId: string;
  /** The agent's command line after the bundle (`run --state-dir …`). */
  args: readonly string[];
  logFile: string;
}

interface Supervised {
  spec: LabAgentSpec;
  child: ChildProcess | null;
  clockOffsetMs: number;
}

/**
 * The lab's agent processes, one per replica, and their faults: SIGKILL,
 * start again, restart with a skewed clock. A process that exits without
 * being told to is reported, not restarted: an agent that keeps dying is a
 * finding.
 */
export class LabAgents implements AgentFaults {
  private readonly agents = new Map<string, Supervised>();
  private bundle: string | null = null;
  private stopping = false;

  constructor(private readonly options: { log: (line: string) => void; stopGraceMs: number }) {}

  /** Spawns every agent with a true clock; `bundle` is the built agent (agents/build.ts). */
  startAll(bundle: string, specs: readonly LabAgentSpec[]): void {
    this.bundle = bundle;
    for (const spec of specs) {
      this.agents.set(spec.replica, { spec, child: null, clockOffsetMs: 0 });
      this.start(spec.replica);
    }
  }

  list(): AgentView[] {
    return [...this.agents.values()].map((agent) => this.view(agent));
  }

  start(region: string, clockOffsetMs = 0): AgentView {
    const agent = this.agent(region);
    if (running(agent)) throw new FaultRefused(`the agent of ${agent.spec.replica} is already running (pid ${agent.child!.pid})`);
    const env = { ...process.env, ...AGENT_ENVIRONMENT };
    delete env[CLOCK_OFFSET_ENV];
    if (clockOffsetMs !== 0) env[CLOCK_OFFSET_ENV] = String(clockOffsetMs);
    // Straight into the log file: the agent's output must not depend on this process staying alive.
    const log = openSync(agent.spec.logFile, "a", 0o600);
    fchmodSync(log, 0o600);
    // The flags (AGENT_NODE_FLAGS, unless a benchmark measures others) and environment a host runs it with.
    const child = spawn(process.execPath, [...agentNodeFlags(process.env), this.bundle!, ...agent.spec.args], { stdio: ["ignore", log, log], env });
    closeSync(log);
    agent.child = child;
    agent.clockOffsetMs = clockOffsetMs;
    child.on("exit", (code, signal) => {
      if (agent.child === child && !child.killed && !this.stopping) this.options.log(`agent ${agent.spec.replica} exited (${signal ?? `code ${code}`}); its log: ${agent.spec.logFile}`);
    });
    const skew = clockOffsetMs ? `, clock ${clockOffsetMs > 0 ? "+" : ""}${clockOffsetMs} ms` : "";
    this.options.log(`agent ${agent.spec.replica}: pid ${child.pid}${skew}`);
    return this.view(agent);
  }

  /** SIGKILL (no last delivery, no clean end of a command in flight); resolves once the process is gone. */
  async kill(region: string): Promise<AgentView> {
    const agent = this.agent(region);
    const child = agent.child;
    if (!child || !running(agent)) throw new FaultRefused(`the agent of ${agent.spec.replica} is not running`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    this.options.log(`agent ${agent.spec.replica}: killed (pid ${child.pid})`);
    return { ...this.view(agent), pid: child.pid ?? null };
  }

  /** Stops the agent the polite way (SIGTERM) if it runs, and starts it with its clock shifted. */
  async restartSkewed(region: string, clockOffsetMs: number): Promise<AgentView> {
    const agent = this.agent(region);
    if (agent.child) await stopChild(agent.child, this.options.stopGraceMs);
    return this.start(region, clockOffsetMs);
  }

  /** From the first moment on, exits are expected: `npm start`'s process group may have had the signal too. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.agents.values()].map((agent) => (agent.child ? stopChild(agent.child, this.options.stopGraceMs) : undefined)));
  }

  private agent(region: string): Supervised {
    // A replica the PostgreSQL topology does not name (sessions-db's) is named exactly.
    const name = this.agents.has(region) ? region : findReplica(region).name;
    const agent = this.agents.get(name);
    if (!agent || !this.bundle) throw new FaultRefused(`the agents start once the control plane answers; the agent of ${name} has not been started yet`);
    return agent;
  }

  private view(agent: Supervised): AgentView {
    const alive = running(agent);
    return { replica: agent.spec.replica, regionId: agent.spec.regionId, pid: alive ? (agent.child!.pid ?? null) : null, running: alive, clockOffsetMs: agent.clockOffsetMs };
  }
}

function running(agent: Supervised): boolean {
  return agent.child !== null && agent.child.exitCode === null && agent.child.signalCode === null;
}
