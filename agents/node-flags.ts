/**
 * The Node.js flags the agent is meant to run under, one list for the bundle's
 * `#!` line, the README's systemd and container examples and the lab, so that
 * what the lab and bench:agent measure is what a host runs. `--lite-mode`
 * runs V8 without its compilers: code that runs once a second never gets hot
 * enough for them to pay off (measured: the same CPU with them, and 8 MB more
 * resident; BENCHMARKS.md, "Agent footprint"). Lite mode has no WebAssembly,
 * which the agent does not use; `--no-expose-wasm` says so, which spares every
 * start (and every `enroll`) V8's warning about the conflict. `--expose-gc`
 * lets the agent collect its heap before V8 would (agents/heap-collection.ts):
 * its resident memory then stays under 50 MiB instead of sawing above it.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ["--lite-mode", "--no-expose-wasm", "--expose-gc"];

/**
 * The environment the agent is meant to run with, beside AGENT_NODE_FLAGS and
 * in the same places. glibc raises its mmap threshold to the size of the
 * largest mmapped block a process frees, up to 32 MB; Node reads the ~0.7 MB
 * bundle into such a block as it starts, and with the threshold raised past
 * 256 KB the agent keeps 2.2 MB more of malloc's heap resident (measured:
 * the same with the threshold fixed at 256 KB as at glibc's default 128 KB,
 * at 512 KB as unfixed). Setting it keeps glibc's default. Two malloc arenas
 * instead of one per thread that allocates (the agent runs 11): side by side
 * with an agent on glibc's default for 85 minutes, 0.3 MiB less at the top
 * of its resident memory (49.8 against 50.1 MiB) for the same CPU
 * (BENCHMARKS.md, "What still rises"). A C library other than glibc (musl)
 * ignores both.
 */
export const AGENT_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_ARENA_MAX: "2" };

/** AGENT_ENVIRONMENT as the `NAME=value` words of a command line (`#!/usr/bin/env -S`, a shell). */
export function agentEnvironmentWords(): string[] {
  return Object.entries(AGENT_ENVIRONMENT).map(([name, value]) => `${name}=${value}`);
}

/** Replaces AGENT_NODE_FLAGS for the lab's agents, to measure others (bench:agent --node-flags); space-separated. */
export const AGENT_NODE_FLAGS_ENV = "SWITCHYARD_AGENT_NODE_FLAGS";

export function agentNodeFlags(env: Record<string, string | undefined>): readonly string[] {
  const given = env[AGENT_NODE_FLAGS_ENV];
  return given === undefined ? AGENT_NODE_FLAGS : given.split(/\s+/).filter((flag) => flag !== "");
}
