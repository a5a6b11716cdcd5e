/**
 * `npm start`: the whole product on one machine. Starts the embedded
 * PostgreSQL (unless DATABASE_URL is set), applies migrations, seeds the
 * defaults and the first admin, builds the control plane if needed and runs
 * it, then the lab, which declares its topology through the API. Ctrl-C or SIGTERM stops everything in reverse order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDb } from "@/server/db/client";
import { bootstrapAdmin } from "@/server/store/bootstrap-admin";
import { dataDir } from "@/server/store/data-dir";
import { lockDataDir } from "@/server/store/data-dir-lock";
import { startEmbeddedStore, type EmbeddedStore } from "@/server/store/embedded-store";
import { migrate } from "@/server/store/migrate";
import { ensureSecret } from "@/server/store/secrets";
import { seedDefaults } from "@/server/store/seed";
import { buildIfStale } from "./build-if-stale";
import { listenHost } from "./listen-host";
import { prepareLabStack, type LabStack } from "./lab-stack";
import { stopChild } from "./stop-child";

const log = (line: string) => console.log(`[switchyard] ${line}`);

const CONTROL_PLANE_STOP_MS = 10_000;
const RESTART_DELAY_MS = 1_000;
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;

const stops: (() => Promise<void> | void)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log("stopping…");
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[switchyard] ${(error as Error).message}`);
      }
    }
    log("stopped");
  }
  process.exit(code);
}

/**
 * Runs the control plane and restarts it when it dies (its state is all in
 * the store, so runs and upkeep carry on), unless it keeps dying: then
 * everything stops. Its pid is kept in `<data>/control-plane.pid`.
 */
function superviseControlPlane(env: NodeJS.ProcessEnv, port: number, pidFile: string): void {
  // This machine only, unless HOST says otherwise: the console speaks plain
  // http, which belongs behind a TLS proxy (README, "Running behind TLS").
  const args = ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", listenHost(process.env)];
  const crashes: number[] = [];
  let current: ChildProcess;
  const launch = () => {
    const child = spawn(process.execPath, args, { env, stdio: "inherit" });
    current = child;
    writeFileSync(pidFile, `${child.pid}\n`);
    child.on("exit", (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
      if (crashes.length > MAX_CRASHES) {
        console.error(`[switchyard] the control plane exited ${crashes.length} times in ${CRASH_WINDOW_MS / 1000} s; stopping`);
        void shutdown(1);
        return;
      }
      console.error(`[switchyard] the control plane exited (${signal ?? `code ${code}`}); restarting it`);
      setTimeout(() => {
        if (!stopping) launch();
      }, RESTART_DELAY_MS);
    });
  };
  launch();
  // A control plane that does not finish in time is killed, so that the
  // store behind it is still stopped cleanly.
  stops.push(async () => {
    await stopChild(current, CONTROL_PLANE_STOP_MS);
    rmSync(pidFile, { force: true });
  });
}

async function waitForHealth(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healthy = await fetch(url).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the control plane did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  stops.push(lockDataDir(dir));
  log(`data folder: ${dir}`);

  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    log("store: DATABASE_URL");
  } else {
    log("store: starting the embedded PostgreSQL…");
    const store: EmbeddedStore = await startEmbeddedStore(dir);
    stops.push(() => store.stop());
    databaseUrl = store.url;
  }

  const migration = await migrate(databaseUrl);
  log(`migrations: ${migration.applied.length} applied, ${migration.alreadyApplied} already in place`);

  const client = createDb(databaseUrl, 2);
  let banner: string[] = [];
  let secret: string;
  let labStack: LabStack | null = null;
  try {
    const created = await seedDefaults(client);
    log(created.length ? `seeded: ${created.join(", ")}` : "seed: defaults already present");
    const admin = await bootstrapAdmin(client);
    if (admin) {
      banner = admin.generatedPassword
        ? [`First admin created: ${admin.email}`, `Password (shown once, store it now): ${admin.generatedPassword}`]
        : [`First admin created: ${admin.email} (password from SWITCHYARD_ADMIN_PASSWORD)`];
    }
    secret = process.env.NEXTAUTH_SECRET ?? (await ensureSecret(client, "nextauth"));
    if (process.env.LAB === "off") {
      log("lab: off (LAB=off)");
    } else {
      log("lab: starting the regional PostgreSQL clusters…");
      const stack = await prepareLabStack(dir, client, log);
      stops.push(() => stack.lab.stop());
      labStack = stack;
    }
  } finally {
    await client.$disconnect();
  }

  buildIfStale(log);

  const port = Number(process.env.PORT ?? 3000);
  const url = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
  superviseControlPlane(
    {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: url,
      SWITCHYARD_DATA_DIR: dir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    port,
    path.join(dir, "control-plane.pid"),
  );

  await waitForHealth(`http://127.0.0.1:${port}/api/health`);
  if (labStack) {
    const stack = labStack;
    stops.push(() => stack.stopProcesses());
    await stack.run(`http://127.0.0.1:${port}`);
  }

  const rule = "=".repeat(64);
  console.log([rule, `  Switchyard control plane: ${url}`, ...banner.map((line) => `  ${line}`), rule].join("\n"));
}

main().catch(async (error: Error) => {
  console.error(`[switchyard] ${error.message}`);
  await shutdown(1);
});
