import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const VIEWER = { email: "sre@e2e.test", password: "sre-viewer-password-1" };
let pause: ChildProcess | null = null;

test.beforeAll(async ({ request }) => {
  const issued = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e sre setup", scopes: ["admin"] } });
  const { token } = (await issued.json()) as { token: string };
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email: VIEWER.email, password: VIEWER.password, roles: ["viewer"] },
  });
  expect([201, 409]).toContain(created.status());
});

test.afterAll(async () => {
  // SIGINT makes the lab CLI thaw the cluster at once instead of at the end of its pause.
  if (pause && pause.exitCode === null) {
    pause.kill("SIGINT");
    await once(pause, "exit");
  }
});

/** Freezes the asynchronous standby's PostgreSQL (SIGSTOP) for `seconds`, through the lab's own CLI. */
function freezeAsyncStandby(seconds: number): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "lab/cli.ts", "pause", "gcp:europe-west3", String(seconds)], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: process.env.E2E_DATA_DIR },
    stdio: "inherit",
  });
  return child;
}

test("an SRE watches orders-db: real lag charts, then the async standby freezes and the page shows it unhealthy and its alert pending, then firing, without a reload", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, VIEWER.email, VIEWER.password);
  await page.getByRole("link", { name: "orders-db" }).first().click();
  await expect(page).toHaveURL(/\/services\/orders-db/);

  // Lag charts drawn from the lab's agents' samples, with units on their axes.
  const bytesChart = page.locator("figure.time-chart").filter({ hasText: "Replay lag, bytes" });
  await expect(bytesChart).toBeVisible();
  await expect(bytesChart).toContainText("bytes behind");
  await expect(bytesChart).toContainText("pg-europe-west3");
  // A drawn line: a move to the first point and at least one segment (straight or curved) to the next.
  // The page opens on the last hour in 15 s buckets, and the lab's agents start with the test: a
  // second point needs a second bucket, up to 15 s after the first report.
  await expect(bytesChart.locator("path.recharts-line-curve").first()).toHaveAttribute("d", /^M[\d.]+,[\d.]+[LC][\d.]+,[\d.]+/, { timeout: 40_000 });
  const row = page.locator('[data-testid="replica-table"] tr[data-replica="pg-europe-west3"]');
  await expect(row).toHaveAttribute("data-health", "healthy");
  await expect(page.getByTestId("updated-ago").first()).toContainText(/updated \d+ s ago/);

  // The lab freezes the asynchronous standby; the page must notice on its own.
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "no reload"));
  pause = freezeAsyncStandby(90);
  await expect(row).not.toHaveAttribute("data-health", "healthy", { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-health", /unhealthy|stale/);

  const alert = page.getByTestId("alert-replica-unreachable-pg-europe-west3");
  await expect(alert).toHaveAttribute("data-state", "pending", { timeout: 20_000 });
  await expect(alert).toContainText("pg-europe-west3 does not answer its agent");
  // The demo policy's window is 30 s: firing only once the condition has held that long.
  await expect(alert).toHaveAttribute("data-state", "firing", { timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("no reload");
});
