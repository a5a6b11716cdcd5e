import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import { ConfigError } from "../config";
import { controlPlaneClient } from "../control-planes";
import type { HttpClient } from "../http-post";
import type { Logger } from "../log";
import { startAgent, type RunningAgent } from "../start-agent";
import { loadControlPlaneConfig, saveControlPlaneConfig, type AgentState } from "./agent-state";
import { buildAgentConfig } from "./build-agent-config";
import { ConfigRefresh, fetchControlPlaneConfig } from "./control-plane-config";

const FETCH_TIMEOUT_MS = 5_000;
const FIRST_CONFIG_RETRY_MS = 5_000;

/**
 * The config to start with: the control plane's, else the one it gave last
 * time (an agent must keep reporting through a control-plane outage, and
 * a restart during one must not stop it), else the control plane's once it
 * answers. A refused credential ends the agent: it was revoked or replaced.
 */
async function firstConfig(http: HttpClient, state: AgentState, stateDir: string, log: Logger, stopped: () => boolean): Promise<AgentRuntimeConfig | null> {
  for (let attempt = 0; !stopped(); attempt += 1) {
    const answer = await fetchControlPlaneConfig(http, state, FETCH_TIMEOUT_MS);
    if (answer.ok) {
      saveControlPlaneConfig(stateDir, answer.config);
      return answer.config;
    }
    if (answer.status === 401) throw new ConfigError(answer.message);
    const saved = loadControlPlaneConfig(stateDir);
    if (saved) {
      log.warn("config.from_state", `${answer.message}; starting from the config it gave last (revision ${saved.revision}) and asking again every 30 s`);
      return saved;
    }
    if (attempt === 0) log.warn("config.waiting", `${answer.message}; no saved config to start from: asking again every ${FIRST_CONFIG_RETRY_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, FIRST_CONFIG_RETRY_MS));
  }
  return null;
}

/** `switchyard-agent run`: the agent of an enrolled host, its config refreshed from the control plane. */
export async function runEnrolled(state: AgentState, stateDir: string, log: Logger, clock: () => Date): Promise<Pick<RunningAgent, "stop">> {
  const { http } = controlPlaneClient(state.controlPlaneUrl);
  let stopping = false;
  let running: RunningAgent | null = null;
  let refresh: ConfigRefresh | null = null;
  const stop = async () => {
    stopping = true;
    await refresh?.stop();
    http.close();
    await running?.stop();
  };
  log.info("agent.command_key", `commands and witness rosters are verified with the key pinned at enrollment, fingerprint ${state.commandKey.fingerprint}, and the keys that key's signed statements hand on to`, {
    fingerprint: state.commandKey.fingerprint,
  });
  const remote = await firstConfig(http, state, stateDir, log, () => stopping);
  if (remote) {
    running = await startAgent(buildAgentConfig(state, remote, stateDir), log, clock);
    const { agent } = running;
    refresh = new ConfigRefresh({ http, state, stateDir, current: remote, apply: (config) => agent.reconfigure(config), log, timeoutMs: FETCH_TIMEOUT_MS });
    refresh.start();
  }
  return { stop };
}
