/**
 * The Node.js flags the agent is meant to run under, one list for the bundle's
 * `#!` line, the README's systemd and container examples and the lab, so that
 * what the lab and bench:agent measure is what a host runs. `--lite-mode`
 * runs V8 without its compilers: code that runs once a second never gets hot
 * enough for them to pay off (measured: the same CPU with them, and 8 MB more
 * resident; BENCHMARKS.md, "Agent footprint"). Lite mode has no WebAssembly,
 * which the agent does not use; `--no-expose-wasm` says so, which spares every
 * start (and every `enroll`) V8's warning about the conflict.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ["--lite-mode", "--no-expose-wasm"];

/** Replaces AGENT_NODE_FLAGS for the lab's agents, to measure others (bench:agent --node-flags); space-separated. */
export const AGENT_NODE_FLAGS_ENV = "SWITCHYARD_AGENT_NODE_FLAGS";

export function agentNodeFlags(env: Record<string, string | undefined>): readonly string[] {
  const given = env[AGENT_NODE_FLAGS_ENV];
  return given === undefined ? AGENT_NODE_FLAGS : given.split(/\s+/).filter((flag) => flag !== "");
}
