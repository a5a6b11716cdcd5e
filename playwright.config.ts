import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { productSingleSignOnEnv } from "./e2e/support/single-sign-on";

// The runner loads this file first and starts the server after; its workers
// load it again with the runner's environment. So only the runner starts the
// product on a fresh data folder, and the last run's folder stays for
// inspecting a failure until the next run.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = path.join(os.tmpdir(), "switchyard-e2e");
  rmSync(process.env.E2E_DATA_DIR, { recursive: true, force: true });
}
process.env.E2E_PORT ??= "3210";
process.env.E2E_ADMIN_EMAIL ??= "admin@e2e.test";
process.env.E2E_ADMIN_PASSWORD ??= "e2e-admin-password-1";

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;
const startCommand: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  // The on-call journey kills a primary of the lab, so it runs once every other browser test is done.
  projects: [
    { name: "console", testIgnore: /on-call-journey\.spec\.ts/ },
    { name: "journeys", testMatch: /on-call-journey\.spec\.ts/, dependencies: ["console"] },
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The product as `npm start` runs it (production build, embedded PostgreSQL)
  // on a fresh data folder. The command is npm start's own, run with `exec`:
  // Playwright then signals the supervisor itself, which stops the control
  // plane and PostgreSQL in order, instead of an npm wrapper that exits first.
  webServer: {
    command: `exec ${startCommand}`,
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    env: {
      PORT: process.env.E2E_PORT,
      SWITCHYARD_DATA_DIR: process.env.E2E_DATA_DIR,
      SWITCHYARD_ADMIN_EMAIL: process.env.E2E_ADMIN_EMAIL,
      SWITCHYARD_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      NEXTAUTH_URL: baseURL,
      // The lab runs too: the runbook journey switches over real PostgreSQL clusters.
      LAB: "on",
      DATABASE_URL: "",
      // Local accounts keep working beside it (the other tests sign in with passwords).
      ...productSingleSignOnEnv(),
    },
  },
});
