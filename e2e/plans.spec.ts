import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const OPERATOR = { email: "evacuator@e2e.test", password: "evacuator-password-1" };

test.beforeAll(async ({ request }) => {
  const token = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e plans setup", scopes: ["admin"] } });
  const { token: secret } = (await token.json()) as { token: string };
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${secret}` },
    data: { email: OPERATOR.email, password: OPERATOR.password, roles: ["operator"] },
  });
  expect([201, 409]).toContain(created.status());
});

test("an admin sees why they cannot start a plan instead of finding out from a refusal", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Plans" }).click();
  const form = page.getByRole("region", { name: "Evacuate a region" });
  await expect(form).toContainText("Starting a plan needs the operator role on every service");
  await expect(form.getByRole("button", { name: "Dry run" })).toBeDisabled();
});

test("an operator dry-runs a region evacuation, schedules it for later, and cancels it", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/plans");
  const form = page.getByRole("region", { name: "Evacuate a region" });
  await form.getByLabel("Reason (for the audit trail and every run)").fill("e2e: provider maintenance");
  // A month ahead at 02:00 UTC: within the 90 days a schedule may reach.
  const at = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel("Start at (UTC, optional)").fill(`${at}T02:00`);
  await form.getByRole("button", { name: "Dry run" }).click();
  const dryRun = form.getByRole("table");
  await expect(dryRun.getByRole("rowheader", { name: "orders-db" })).toBeVisible();
  await expect(dryRun.getByRole("row", { name: /orders-db/ })).toContainText(/→ pg-/);

  await form.getByRole("button", { name: "Schedule this evacuation" }).click();
  await expect(page).toHaveURL(/\/plans\/[a-z0-9]+$/);
  const header = page.getByRole("main").locator("header");
  await expect(header).toContainText("scheduled");
  await expect(page.getByRole("main")).toContainText(`Starts at ${at} 02:00:00 UTC`);

  page.once("dialog", (dialog) => void dialog.accept("e2e: not this time"));
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(header).toContainText("cancelled");
  await expect(page.getByRole("row", { name: /orders-db/ })).toContainText("cancelled");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});
