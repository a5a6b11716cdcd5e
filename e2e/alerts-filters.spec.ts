import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

test("the alerts page's filters are its URL: a service page links to that service's alerts, a changed filter survives a reload, a broken link says so", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/services/orders-db");
  await page.getByRole("region", { name: "Alerts" }).getByRole("link", { name: "All of this service's alerts" }).click();
  await expect(page).toHaveURL(/\/alerts\?serviceId=orders-db&state=pending%2Cfiring%2Cresolved|\/alerts\?serviceId=orders-db&state=pending,firing,resolved/);
  const filters = page.getByRole("region", { name: "Filters" });
  await expect(filters.getByLabel("Service")).toHaveValue("orders-db");
  await expect(filters.getByRole("checkbox", { name: /^resolved/ })).toBeChecked();

  await filters.getByLabel("Rule").selectOption("heartbeat-stale");
  await expect(page).toHaveURL(/ruleId=heartbeat-stale/);
  await filters.getByRole("checkbox", { name: /^resolved/ }).uncheck();
  await expect(page).not.toHaveURL(/resolved/);
  await page.reload();
  await expect(filters.getByLabel("Service")).toHaveValue("orders-db");
  await expect(filters.getByLabel("Rule")).toHaveValue("heartbeat-stale");
  await expect(filters.getByRole("checkbox", { name: /^resolved/ })).not.toBeChecked();
  await expect(filters.getByRole("checkbox", { name: /^firing/ })).toBeChecked();

  await page.goto("/alerts?ruleId=no-such-rule");
  await expect(page.getByRole("status").filter({ hasText: "The link's filters were not understood (ruleId:" })).toBeVisible();
  await expect(filters.getByLabel("Rule")).toHaveValue("");
});
