import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@/server/store/free-port";
import { EMBEDDED_ROLE_NAMES } from "@/server/store/store-roles";

export const BENCH_ADMIN = { email: "bench@switchyard.local", password: "bench-admin-password" };

export interface RunningControlPlane {
  url: string;
  dataDir: string;
  /** The store as its superuser, for seeding fixtures and reading statistics directly; never what the control plane runs as. */
  databaseUrl: string;
  /** The store as the control plane's application role, and as the owner that migrates: what a second copy is started with. */
  roles: { appUrl: string; migrationUrl: string } | null;
  stop(): Promise<void>;
}

/**
 * The product as `npm start` runs it (production build, embedded store unless
 * `env.DATABASE_URL` names another, e.g. a second copy on the same store), on
 * a fresh data folder, with the lab off unless asked for: what benchmarks
 * measure is the real thing. `prepareDataDir` runs on the empty data folder
 * first (e.g. to create the embedded store with a setting of its own, which
 * `npm start` then keeps).
 */
export async function startControlPlane(options: { lab?: boolean; env?: Record<string, string>; prepareDataDir?: (dataDir: string) => Promise<void> } = {}): Promise<RunningControlPlane> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-"));
  chmodSync(dataDir, 0o755);
  await options.prepareDataDir?.(dataDir);
  const port = await freePort();
  const start = JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string;
  const child: ChildProcess = spawn("sh", ["-c", `exec ${start}`], {
    env: {
      ...process.env,
      PORT: String(port),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_EMAIL: BENCH_ADMIN.email,
      SWITCHYARD_ADMIN_PASSWORD: BENCH_ADMIN.password,
      LAB: options.lab ? "on" : "off",
      DATABASE_URL: "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Both streams go into what a failed start reports: the reason it stopped is printed to stderr.
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Switchyard control plane:")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the control plane exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
  await ready;
  // A benchmark interrupted by Ctrl-C still stops the product (and its PostgreSQL clusters).
  const interrupt = () => {
    child.once("exit", () => process.exit(130));
    child.kill("SIGTERM");
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    databaseUrl: options.env?.DATABASE_URL || embeddedStoreUrl(dataDir, "postgres", "password"),
    roles: options.env?.DATABASE_URL
      ? null
      : { appUrl: embeddedStoreUrl(dataDir, EMBEDDED_ROLE_NAMES.app, "app-password"), migrationUrl: embeddedStoreUrl(dataDir, EMBEDDED_ROLE_NAMES.owner, "owner-password") },
    stop: () =>
      new Promise<void>((resolve) => {
        process.off("SIGINT", interrupt);
        process.off("SIGTERM", interrupt);
        child.once("exit", () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** A connection URL of the embedded store `npm start` started in `dataDir`, as `user` (its password kept in `store/<passwordFile>`). */
function embeddedStoreUrl(dataDir: string, user: string, passwordFile: string): string {
  const password = readFileSync(path.join(dataDir, "store", passwordFile), "utf8").trim();
  const storePort = readFileSync(path.join(dataDir, "store", "port"), "utf8").trim();
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${storePort}/switchyard`;
}

export async function adminToken(url: string, scopes: readonly string[] = ["admin", "audit"]): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BENCH_ADMIN, name: "bench", scopes }),
  });
  if (!response.ok) throw new Error(`could not get an admin token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * The environment of another copy of `first` on its store: the application
 * role's URL, the owner's for migrating, and the first copy's keys (README,
 * "Keys": every copy of one control plane shares its command and audit keys;
 * the first keeps them where SWITCHYARD_KEY_DIR says, if set).
 */
export function anotherCopyEnv(first: RunningControlPlane): Record<string, string> {
  if (!first.roles) throw new Error("another copy needs the first copy's embedded store roles");
  const { appUrl, migrationUrl } = first.roles;
  return { DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: migrationUrl, SWITCHYARD_KEY_DIR: process.env.SWITCHYARD_KEY_DIR ?? path.join(first.dataDir, "keys") };
}
