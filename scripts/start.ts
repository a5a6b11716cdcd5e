/**
 * `npm start`: the whole product on one machine. Starts the embedded
 * PostgreSQL (unless DATABASE_URL is set), applies migrations as the store's
 * owner, runs everything else as its application role, seeds the
 * defaults and the first admin, builds the control plane if needed and runs
 * it, then the lab, which declares its topology through the API. Ctrl-C or SIGTERM stops everything in reverse order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseTrustedProxies } from "@/core/access/client-address";
import { oidcRedirectUri, oidcSettingsFromEnv } from "@/core/access/oidc-settings";
import { STORE_ROLE_REMEDY } from "@/core/store/store-role-risks";
import { createDb } from "@/server/db/client";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { keyProvider } from "@/server/keys/key-provider";
import { sessionSecret } from "@/server/keys/session-secret";
import { bootstrapAdmin } from "@/server/store/bootstrap-admin";
import { dataDir } from "@/server/data-dir";
import { hooksConfig, hooksFile } from "@/server/hooks/hooks-config";
import { lockDataDir } from "@/server/store/data-dir-lock";
import { startEmbeddedStore, type EmbeddedStore } from "@/server/store/embedded-store";
import { prepareStore, type StoreUrls } from "@/server/store/prepare-store";
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
  // The loops read the whole fleet every half second: with V8's default young
  // generation each pass's objects outlive several scavenges and are copied
  // and promoted; with 64 MB semi-spaces a pass spends about a fifth of the
  // time collecting garbage (BENCHMARKS.md, "The control plane's loops at fleet scale").
  // The peer-address layer stamps each request with its socket's address; the
  // direct-lane layer lets the agents' hot requests skip Next.js's routing (see the files).
  // This machine only, unless HOST says otherwise: the console speaks plain
  // http, which belongs behind a TLS proxy (README, "Running behind TLS").
  // A benchmark asks for the copy's CPU profile this way (bench/ingest.ts --cpu-prof): Node refuses --cpu-prof in NODE_OPTIONS.
  const profile = process.env.SWITCHYARD_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SWITCHYARD_CPU_PROF_DIR}`] : [];
  const args = [...profile, "--max-semi-space-size=64", "--import", "./scripts/peer-address-layer.mjs", "--import", "./scripts/direct-lane-layer.mjs", "node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", listenHost(process.env)];
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

/**
 * The store's URLs: DATABASE_URL (with MIGRATION_DATABASE_URL for the owner
 * when given), or the embedded store's application role and owner. The
 * owner's URL stays in this process: the control plane is given only the
 * application role's.
 */
async function openStore(dir: string): Promise<StoreUrls> {
  const appUrl = process.env.DATABASE_URL;
  const migrationUrl = process.env.MIGRATION_DATABASE_URL;
  if (appUrl) {
    log(migrationUrl ? "store: DATABASE_URL, migrated as MIGRATION_DATABASE_URL" : "store: DATABASE_URL");
    return { appUrl, migrationUrl: migrationUrl || appUrl };
  }
  if (migrationUrl) throw new Error("MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both (the owner and the application role), or neither for the embedded store");
  log("store: starting the embedded PostgreSQL…");
  const store: EmbeddedStore = await startEmbeddedStore(dir);
  stops.push(() => store.stop());
  return { appUrl: store.url, migrationUrl: store.migrationUrl };
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  // A half-configured single sign-on stops the start here, with the variable it lacks.
  const sso = oidcSettingsFromEnv(process.env);
  // A typo here would silently trust nobody (or too many): refuse to start instead.
  parseTrustedProxies(process.env.SWITCHYARD_TRUSTED_PROXIES);
  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  stops.push(lockDataDir(dir));
  log(`data folder: ${dir}`);
  // A broken hooks file would fail a failover's gate when it is needed most: refuse to start instead.
  const hooks = hooksConfig();
  log(`hooks: ${Object.keys(hooks.endpoints).length} endpoints, ${Object.keys(hooks.scripts).length} scripts, gates for ${Object.keys(hooks.gates).length} services (${hooksFile().file})`);

  const store = await openStore(dir);
  log(`keys: ${keyProvider().description}`);
  const prepared = await prepareStore(store);
  if (prepared.migration.secretsMoved.length) log(`keys: moved ${prepared.migration.secretsMoved.join(", ")} out of the store into ${keyProvider().description}`);
  log(`migrations: ${prepared.migration.applied.length} applied, ${prepared.migration.alreadyApplied} already in place`);
  log(`store role: the control plane runs as "${prepared.appRole}"`);
  for (const risk of prepared.risks) console.warn(`[switchyard] WARNING: ${risk.sentence}`);
  if (prepared.risks.length) console.warn(`[switchyard] WARNING: ${STORE_ROLE_REMEDY}`);
  const databaseUrl = store.appUrl;

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
    secret = await sessionSecret();
    // Read now so that a copy whose key folder (or key command) is not the one its store's keys are in stops here.
    const commandKey = await commandSigningKey(client);
    log(`command key: ${commandKey.id}`);
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
  log(sso ? `single sign-on: ${sso.issuer} (redirect URI to register there: ${oidcRedirectUri(url)})` : "single sign-on: off (SWITCHYARD_OIDC_ISSUER unset)");
  const { MIGRATION_DATABASE_URL: _owner, ...environment } = process.env;
  superviseControlPlane(
    {
      ...environment,
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
  // A stop already under way has passed the point where it would stop the lab's processes: start none.
  if (labStack && !stopping) {
    const stack = labStack;
    stops.push(() => stack.stopProcesses());
    await stack.run(`http://127.0.0.1:${port}`);
  }

  const rule = "=".repeat(64);
  console.log([rule, `  Switchyard control plane: ${url}`, ...banner.map((line) => `  ${line}`), ...(labStack?.banner() ?? []).map((line) => `  ${line}`), rule].join("\n"));
}

main().catch(async (error: Error) => {
  console.error(`[switchyard] ${error.message}`);
  await shutdown(1);
});
