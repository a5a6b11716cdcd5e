import { expect, test } from "@playwright/test";
import { createByAdmin, type Person } from "./support/accounts";
import { signIn } from "./support/session";

const OPERATOR: Person = { email: "night-shift@e2e.test", password: "night-shift-password-1", roles: ["operator"] };

test.beforeAll(async ({ request }) => {
  await createByAdmin(request, OPERATOR);
});

test("an operator schedules a planned switchover for a UTC time, sees it scheduled, and cancels it with a reason", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/runbooks");
  const switchover = page.getByRole("region", { name: "Planned switchover" });
  // Whichever region holds the primary now (other specs move it), schedule a move to a standby's.
  const standby = switchover.getByLabel("to region").locator("option", { hasText: "(standby," }).first();
  const [target, region] = [/\(standby, ([^)]+)\)/.exec((await standby.textContent()) ?? "")?.[1] ?? "", (await standby.getAttribute("value")) ?? ""];
  await switchover.getByLabel("to region").selectOption(region);
  await switchover.getByLabel("reason").fill("e2e: scheduled switchover");
  await switchover.getByRole("button", { name: "Dry run" }).click();
  await expect(switchover.getByLabel("Dry-run plan")).toContainText(target);

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
