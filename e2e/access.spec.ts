import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const LIMITED = { email: "limited-operator@e2e.test", password: "limited-operator-password-1" };

test("a token issued in the console carries the scopes chosen: read-only reads, and neither changes anything nor mints tokens", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/tokens");
  const form = page.getByRole("region", { name: "Create a token for yourself" });
  await form.getByLabel("Name").fill("e2e read-only");
  await expect(form.getByRole("checkbox", { name: /^read Read-only/ })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: /^operate/ })).toHaveCount(0);
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^sy_/);
  await page.reload();
  const row = page.getByRole("row", { name: /e2e read-only/ });
  await expect(row).toContainText("read");
  await expect(row).toContainText("active");

  const script = await page.context().browser()!.newContext();
  const authorization = `Bearer ${secret}`;
  expect((await script.request.get("/api/v1/services", { headers: { authorization } })).status()).toBe(200);
  const refused = await script.request.post("/api/v1/users", { headers: { authorization }, data: { email: "nobody@e2e.test", password: "nobody-password-1", roles: ["viewer"] } });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("it needs a token with the scope admin");
  const minted = await script.request.post("/api/v1/auth/tokens/own", { headers: { authorization }, data: { name: "child", scopes: ["read"] } });
  expect(minted.status()).toBe(403);
  await script.close();
});

test("an admin limits an operator to orders-db; the limit shows with the role and holds against a fleet-wide pause", async ({ page, request }) => {
  const admin = await request.post("/api/v1/auth/tokens", { data: { ...ADMIN, name: "e2e access", scopes: ["admin"] } });
  const adminToken = ((await admin.json()) as { token: string }).token;
  const created = await request.post("/api/v1/users", { headers: { authorization: `Bearer ${adminToken}` }, data: { ...LIMITED, roles: ["operator"] } });
  expect([201, 409]).toContain(created.status());

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  const limits = page.getByRole("region", { name: "Roles limited to services" });
  const limitRow = limits.getByRole("row", { name: new RegExp(LIMITED.email) });
  await limitRow.getByRole("radio", { name: "only on" }).check();
  await limitRow.getByRole("checkbox", { name: `orders-db for the operator role of ${LIMITED.email}` }).check();
  await limitRow.getByRole("button", { name: `Save where the operator role of ${LIMITED.email} holds` }).click();
  await expect(limitRow.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(page.getByRole("region", { name: "Users" }).getByRole("row", { name: new RegExp(LIMITED.email) })).toContainText("operator on orders-db");

  const issued = await request.post("/api/v1/auth/tokens", { data: { ...LIMITED, name: "e2e limited", scopes: ["operate"] } });
  const authorization = `Bearer ${((await issued.json()) as { token: string }).token}`;
  const pause = await request.post("/api/v1/automation/pauses", {
    headers: { authorization },
    data: { scope: "global", reason: "should be refused", expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
  });
  expect(pause.status()).toBe(403);
  expect(((await pause.json()) as { error: { message: string } }).error.message).toContain("limited to the services orders-db");

  // In the console, the fleet page's global pause (or resume) is the admin's and not theirs; orders-db's own is theirs.
  const globalControl = (on: typeof page) =>
    on.getByRole("form", { name: "Pause automation of every service" }).or(on.getByRole("button", { name: "Resume automation of every service" }));
  const serviceControl = (on: typeof page) => on.getByRole("form", { name: "Pause automation of orders-db" }).or(on.getByRole("button", { name: "Resume automation of orders-db" }));
  const fleetWide = { email: "fleet-operator@e2e.test", password: "fleet-operator-password-1" };
  const operator = await request.post("/api/v1/users", { headers: { authorization: `Bearer ${adminToken}` }, data: { ...fleetWide, roles: ["operator"] } });
  expect([201, 409]).toContain(operator.status());
  const fleetWideContext = await page.context().browser()!.newContext();
  const fleetWidePage = await fleetWideContext.newPage();
  await signIn(fleetWidePage, fleetWide.email, fleetWide.password);
  await expect(globalControl(fleetWidePage)).toBeVisible();
  await fleetWideContext.close();
  const limited = await page.context().browser()!.newContext();
  const limitedPage = await limited.newPage();
  await signIn(limitedPage, LIMITED.email, LIMITED.password);
  await limitedPage.goto("/services/orders-db");
  await expect(serviceControl(limitedPage)).toBeVisible();
  await limitedPage.goto("/fleet");
  await expect(limitedPage.getByRole("list", { name: "Services by automation state" })).toBeVisible();
  await expect(globalControl(limitedPage)).toHaveCount(0);
  await limited.close();
});
