import { expect, test } from "@playwright/test";
import { ADMIN, signIn, signOut } from "./support/session";

test("a stranger is sent to sign in", async ({ page }) => {
  await page.goto("/fleet");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Ffleet/);
  await expect(page.getByRole("heading", { name: "Sign in to Switchyard" })).toBeVisible();
});

test("a wrong password shows an error and signs nobody in", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/fleet");
  await expect(page).toHaveURL(/\/signin/);
});

test("an admin signs in and sees the seeded fleet", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  const service = page.getByRole("region", { name: "orders-db" });
  await expect(service).toContainText("Orders database");
  await expect(service).toContainText("aws:us-east-1 (US)");
  await expect(service.getByRole("row", { name: /orders checkout strong · sync/ })).toContainText("EU + US");
  await expect(service.getByRole("row", { name: /order-history analytics eventual · async/ })).toContainText("30 s");
  const replicas = service.getByRole("listitem");
  await expect(replicas).toHaveCount(3);
  await expect(service.getByRole("listitem", { name: "pg-us-east-1, primary" })).toContainText("aws:us-east-1");
  await expect(service.getByRole("listitem", { name: "pg-eu-west-1, standby" })).toContainText("synchronous");
  await expect(service.getByRole("listitem", { name: "pg-europe-west3, standby" })).toContainText("asynchronous");
  for (const link of ["Fleet", "Runbooks", "Governance", "Audit", "Settings"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link })).toBeVisible();
  }
});

test("a viewer created by an admin is refused the users page", async ({ page }) => {
  const viewer = { email: `viewer-${Date.now()}@e2e.test`, password: "viewer-password-1" };
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  const form = page.getByRole("region", { name: "Create a user" });
  await form.getByLabel("Email").fill(viewer.email);
  await form.getByLabel("Initial password").fill(viewer.password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Created ${viewer.email}.`);
  await expect(page.getByRole("row", { name: new RegExp(viewer.email) })).toContainText("viewer");
  await signOut(page);

  await signIn(page, viewer.email, viewer.password);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Fleet" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);
  const response = await page.goto("/settings/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403 · Not allowed" })).toBeVisible();
  const audit = await page.goto("/audit");
  expect(audit?.status()).toBe(403);
  const api = await page.request.get("/api/v1/users");
  expect(api.status()).toBe(403);
});

test("an admin issues an API token in the UI, a script uses it, and revoking it locks the script out", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/tokens");
  const form = page.getByRole("region", { name: "Create a token for yourself" });
  await form.getByLabel("Name").fill("e2e script");
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^sy_/);

  const script = await page.context().browser()!.newContext();
  const asScript = () => script.request.get("/api/v1/services", { headers: { authorization: `Bearer ${secret}` } });
  const allowed = await asScript();
  expect(allowed.status()).toBe(200);
  expect((await allowed.json()).services[0].id).toBe("orders-db");

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Revoke e2e script" }).click();
  await expect(page.getByRole("row", { name: /e2e script/ })).toContainText("revoked");
  expect((await asScript()).status()).toBe(401);
  await script.close();
});

test("the audit trail shows sign-ins and verifies intact", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/audit");
  await expect(page.getByRole("row", { name: /auth\.sign_in/ }).first()).toContainText(ADMIN.email);
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/Chain intact through #\d+/)).toBeVisible();
});
