import { agentRuntimeConfigSchema, type AgentRuntimeConfig } from "@/contracts/enrollment";
import { ConfigError, type AgentConfig } from "../config";
import { firstControlPlaneUrl } from "@/core/control-planes/move-rules";
import { errorMessage } from "../error-message";
import type { HttpClient } from "../http-post";
import type { Logger } from "../log";
import { saveControlPlaneConfig, type AgentState } from "./agent-state";
import { buildAgentConfig } from "./build-agent-config";

export type ConfigAnswer = { ok: true; config: AgentRuntimeConfig } | { ok: false; status: number | null; message: string };

/** GET /api/v1/agents/config with the agent's credential. */
export async function fetchControlPlaneConfig(http: HttpClient, state: AgentState, timeoutMs: number): Promise<ConfigAnswer> {
  let answer;
  try {
    answer = await http.get(new URL(`${firstControlPlaneUrl(state.controlPlaneUrl)}/api/v1/agents/config`), { authorization: `Bearer ${state.token}` }, timeoutMs);
  } catch (error) {
    return { ok: false, status: null, message: `cannot reach the control plane at ${state.controlPlaneUrl}: ${errorMessage(error)}` };
  }
  if (answer.status === 401) return { ok: false, status: 401, message: "the control plane refuses this agent's credential: it was revoked, or the replica enrolled another agent; enroll again" };
  if (answer.status !== 200) return { ok: false, status: answer.status, message: `the control plane answered ${answer.status} to GET /api/v1/agents/config` };
  try {
    return { ok: true, config: agentRuntimeConfigSchema.parse(JSON.parse(answer.body)) };
  } catch (error) {
    return { ok: false, status: answer.status, message: `the control plane's config is not one this agent understands: ${errorMessage(error)}` };
  }
}

export const REFRESH_EVERY_MS = 30_000;

/**
 * Asks the control plane for the agent's config every 30 s and, when its
 * revision changed, saves it (the next start begins from it if the control
 * plane is down) and hands the rebuilt runtime config to `apply`: a replica
 * added to the service is witnessed without restarting the agent. A failed
 * refresh keeps the config it has.
 */
export class ConfigRefresh {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failure: string | null = null;

  constructor(
    private readonly options: {
      http: HttpClient;
      state: AgentState;
      stateDir: string;
      current: AgentRuntimeConfig;
      apply: (config: AgentConfig) => void;
      log: Logger;
      timeoutMs: number;
    },
  ) {}

  start(periodMs = REFRESH_EVERY_MS): void {
    this.timer = setInterval(() => void this.refresh(), periodMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One refresh; a second call while one runs waits for it. */
  refresh(): Promise<void> {
    this.running ??= this.refreshOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const { http, state, stateDir, log } = this.options;
    const answer = await fetchControlPlaneConfig(http, state, this.options.timeoutMs);
    if (!answer.ok) {
      if (answer.message !== this.failure) log.warn("config.refresh_failed", `${answer.message}; carrying on with revision ${this.options.current.revision}`);
      this.failure = answer.message;
      return;
    }
    this.failure = null;
    if (answer.config.revision === this.options.current.revision) return;
    let next: AgentConfig;
    try {
      next = buildAgentConfig(state, answer.config, stateDir);
    } catch (error) {
      log.error("bug", "config.unusable", `${error instanceof ConfigError ? error.message : errorMessage(error)}; carrying on with revision ${this.options.current.revision}`);
      return;
    }
    const before = this.options.current;
    saveControlPlaneConfig(stateDir, answer.config);
    this.options.current = answer.config;
    this.options.apply(next);
    log.info("config.changed", `the control plane's config changed (revision ${before.revision} → ${answer.config.revision}): ${answer.config.peers.length} peers, every ${answer.config.intervalMs} ms`, {
      revision: answer.config.revision,
      peers: answer.config.peers.map((peer) => peer.replica),
      intervalMs: answer.config.intervalMs,
    });
  }
}
