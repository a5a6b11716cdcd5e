import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const OPERATOR = { email: "night-shift@e2e.test", password: "night-shift-password-1" };

test.beforeAll(async ({ request }) => {
  const token = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e setup", scopes: ["admin"] } });
  const { token: secret } = (await token.json()) as { token: string };
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${secret}` },
    data: { email: OPERATOR.email, password: OPERATOR.password, roles: ["operator"] },
  });
  expect([201, 409]).toContain(created.status());
});

test("an operator schedules a planned switchover for a UTC time, sees it scheduled, and cancels it with a reason", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/runbooks");
  const switchover = page.getByRole("region", { name: "Planned switchover" });
  await switchover.getByLabel("to region").selectOption("aws:eu-west-1");
  await switchover.getByLabel("reason").fill("e2e: scheduled switchover");
  await switchover.getByRole("button", { name: "Dry run" }).click();
  await expect(switchover.getByLabel("Dry-run plan")).toContainText("pg-us-east-1");

  // A time in the past is refused by the API, naming the field; nothing is scheduled.
  const form = switchover.getByRole("form", { name: "Schedule the run" });
  await form.getByLabel("Or schedule for (UTC)").fill("2020-01-01T02:00");
  await form.getByRole("button", { name: "Schedule for 2020-01-01 02:00 UTC" }).click();
  await expect(switchover.getByRole("alert").filter({ hasText: "scheduledAt: 2020-01-01T02:00:00.000Z is in the past" })).toBeVisible();

  // Three hours ahead, to the minute: between 2 h 59 min and 3 h away, shown as 3.0 h.
  const at = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 16);
  await form.getByLabel("Or schedule for (UTC)").fill(at);
  await form.getByRole("button", { name: `Schedule for ${at.replace("T", " ")} UTC` }).click();
  await expect(page).toHaveURL(/\/runs\//);
  const header = page.getByRole("main").locator("header");
  await expect(header).toContainText("scheduled by night-shift@e2e.test");
  await expect(page.getByRole("main")).toContainText(`scheduled for ${at.replace("T", " ")}:00 UTC (in 3.0 h)`);

  page.once("dialog", (dialog) => dialog.accept("the provider moved its maintenance"));
  await page.getByRole("button", { name: "Cancel scheduled run" }).click();
  await expect(header).toContainText("cancelled");
  await expect(page.getByRole("alert").filter({ hasText: "cancelled by night-shift@e2e.test: the provider moved its maintenance" })).toBeVisible();

  await page.goto("/runbooks");
  await expect(page.getByRole("region", { name: "Recent runs" }).getByRole("row").nth(1)).toContainText("cancelled");
});
