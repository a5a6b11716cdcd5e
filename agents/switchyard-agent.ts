import { ConfigError, loadAgentConfig, reportClock } from "./config";
import { loadAgentState, saveAgentState } from "./enrollment/agent-state";
import { HELP, parseAgentArgs, type AgentInvocation } from "./enrollment/cli-args";
import { runDoctor } from "./enrollment/doctor";
import { enroll } from "./enrollment/enroll";
import { runEnrolled } from "./enrollment/run-enrolled";
import { defaultSecretReading } from "./enrollment/secret-args";
import { errorMessage } from "./error-message";
import { createLogger, type Logger } from "./log";
import { startAgent } from "./start-agent";
import { installUtcIsoFormat } from "./utc-iso-format";
import { AGENT_VERSION } from "./version";

/**
 * switchyard-agent enroll | run | configure | doctor | <config.json> | --help | --version
 * (see HELP in enrollment/cli-args.ts).
 *
 * Exit codes: 0 done, or after SIGINT/SIGTERM; 2 for a command line, config
 * or state it cannot use; 1 when it cannot start, a check failed or stopping failed.
 */

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`switchyard-agent: ${message}\n`);
  process.exit(code);
}

/** Runs until SIGINT/SIGTERM, which finish the current tick and command and flush the queue. */
async function serve(log: Logger, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  process.on("uncaughtException", (error) => log.error("bug", "process.uncaught_exception", errorMessage(error), { stack: error.stack }));
  process.on("unhandledRejection", (reason) => log.error("bug", "process.unhandled_rejection", errorMessage(reason), { stack: (reason as Error)?.stack }));
  let handle: { stop(): Promise<void> } | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("agent.stopping", `${signal}: finishing the current tick and command, and flushing the queue`);
    if (!handle) process.exit(0);
    handle.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("bug", "agent.stop_failed", `could not stop cleanly: ${errorMessage(error)}`, { stack: (error as Error)?.stack });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  handle = await start();
}

async function main(invocation: AgentInvocation): Promise<void> {
  switch (invocation.kind) {
    case "help":
      process.stdout.write(HELP);
      return;
    case "version":
      process.stdout.write(`switchyard-agent ${AGENT_VERSION}\n`);
      return;
    case "enroll": {
      const { enrolled, stateDir } = await enroll(invocation);
      process.stdout.write(
        [
          `enrolled as ${enrolled.agent.name} for replica ${enrolled.agent.replicaName} (${enrolled.agent.regionId}, service ${enrolled.agent.serviceId})`,
          ...(enrolled.replaced ? [`replaced and revoked the previous agent ${enrolled.replaced}`] : []),
          `command key pinned, fingerprint ${enrolled.commandKey.fingerprint}`,
          "  compare it with the one the console shows (Settings > Agents) before you start the agent",
          `state saved in ${stateDir} (mode 0600); start the agent with: switchyard-agent run --state-dir ${stateDir}`,
          "",
        ].join("\n"),
      );
      return;
    }
    case "configure": {
      const state = loadAgentState(invocation.stateDir);
      saveAgentState(invocation.stateDir, { ...state, controlPlaneUrl: invocation.controlPlaneUrl ?? state.controlPlaneUrl, host: invocation.host });
      process.stdout.write(`${state.agentName}: host settings saved in ${invocation.stateDir}; they apply when the agent next starts\n`);
      return;
    }
    case "doctor":
      process.exitCode = (await runDoctor(invocation, (line) => process.stdout.write(`${line}\n`))) ? 0 : 1;
      return;
    case "run": {
      const state = loadAgentState(invocation.stateDir);
      const log = createLogger(state.agentName);
      await serve(log, () => runEnrolled(state, invocation.stateDir, log, reportClock(process.env)));
      return;
    }
    case "config-file": {
      const config = loadAgentConfig(invocation.file);
      const log = createLogger(config.agentName);
      await serve(log, () => startAgent(config, log, reportClock(process.env)));
      return;
    }
  }
}

// process.getBuiltinModule (Node.js 20.16, 22.3) loads TLS only for an agent that uses it (https-module.ts).
if (typeof process.getBuiltinModule !== "function") fail(1, `needs Node.js 20.16 or later; this is ${process.version}`);
installUtcIsoFormat();
let invocation: AgentInvocation;
try {
  invocation = parseAgentArgs(process.argv.slice(2), process.env, {
    ...defaultSecretReading,
    warn: (message) => process.stderr.write(`switchyard-agent: ${message}\n`),
  });
} catch (error) {
  fail(2, error instanceof ConfigError ? error.message : errorMessage(error));
}
main(invocation).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(2, error.message);
  fail(1, invocation.kind === "enroll" ? errorMessage(error) : `cannot start: ${errorMessage(error)}`);
});
