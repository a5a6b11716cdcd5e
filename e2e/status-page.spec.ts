import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

test("anyone reads the status page without signing in, and an admin names what it shows", async ({ page, browser }) => {
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  const problems: string[] = [];
  visitor.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  visitor.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await visitor.goto("/status");
  await expect(visitor).toHaveURL(/\/status$/);
  await expect(visitor.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(visitor.getByRole("status")).toContainText(/operational|degraded|outage|maintenance/i);
  await expect(visitor.getByRole("region", { name: "Components" })).toContainText("All systems");
  await expect(visitor.locator("body")).not.toContainText("orders-db");
  expect(problems).toEqual([]);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/status-page");
  await page.getByRole("button", { name: "Add component" }).click();
  const component = page.getByRole("group", { name: "Component 1" });
  await component.getByLabel("Public name").fill("Checkout");
  await component.getByLabel("Description (optional)").fill("Placing and paying for orders");
  await component.getByRole("checkbox", { name: "orders-db" }).check();
  await page.getByRole("button", { name: "Save components" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  await visitor.reload();
  const components = visitor.getByRole("region", { name: "Components" });
  await expect(components).toContainText("Checkout");
  await expect(components).toContainText("Placing and paying for orders");
  await expect(components).not.toContainText("All systems");
  await expect(visitor.locator("body")).not.toContainText("orders-db");
  await expect(visitor.getByRole("img", { name: /Checkout: [\d.]+ % available over the last 90 days/ })).toBeVisible();

  const feed = await visitor.request.get("/api/status/feed.atom");
  expect(feed.status()).toBe(200);
  expect(await feed.text()).toContain("<feed");
  await stranger.close();
});
