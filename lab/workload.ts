import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ControlPlane } from "./write-endpoint";

export const DEFAULT_RATE = 50;

const labFolder = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(labFolder);
const STOP_GRACE_MS = 10_000;

export function controlPlaneFromEnv(env: NodeJS.ProcessEnv = process.env): ControlPlane | undefined {
  const url = env.SWITCHYARD_URL;
  const token = env.SWITCHYARD_TOKEN;
  return url && token ? { url, token } : undefined;
}

export interface Workload {
  /** Ends the workload process; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs the workload in a process of its own, so it keeps writing while the
 * caller's event loop is busy, and its own crash cannot take the caller down.
 * It writes to each of `services` (default: every service the lab has run)
 * at `rate`, each service with its own ledger. Its output lines go to `log`.
 */
export function startWorkload(options: {
  dataDir: string;
  rate?: number;
  /** Service ids, e.g. `["payments-db"]` for a workload on that service alone. */
  services?: readonly string[];
  controlPlane?: ControlPlane;
  /** `haproxy`: write orders-db only through the lab's HAProxy write port. */
  through?: "haproxy";
  log?: (line: string) => void;
}): Workload {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = { ...process.env };
  delete env.SWITCHYARD_URL;
  delete env.SWITCHYARD_TOKEN;
  if (options.controlPlane) {
    env.SWITCHYARD_URL = options.controlPlane.url;
    env.SWITCHYARD_TOKEN = options.controlPlane.token;
  }
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", path.join(labFolder, "workload-process.ts"), options.dataDir, String(options.rate ?? DEFAULT_RATE), (options.services ?? []).join(","), ...(options.through ? [options.through] : [])],
    // The IPC channel lets the child notice when we are gone and stop writing.
    { cwd: repositoryRoot, env, stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on("line", log);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (code !== 0) log(`[workload] exited (${signal ?? `code ${code}`})`);
      resolve();
    });
  });

  return {
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    },
  };
}
