import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const OPERATOR = { email: "drill-runner@e2e.test", password: "drill-runner-password-1" };

test.beforeAll(async ({ request }) => {
  const token = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e drills setup", scopes: ["admin"] } });
  const { token: secret } = (await token.json()) as { token: string };
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${secret}` },
    data: { email: OPERATOR.email, password: OPERATOR.password, roles: ["operator"] },
  });
  expect([201, 409]).toContain(created.status());
});

/** From the drill page, opens the run it names, confirms its manual step, waits for it to succeed, and comes back. */
async function confirmRun(page: Page, link: string) {
  const drillUrl = page.url();
  await page.getByRole("link", { name: link, exact: true }).click();
  await expect(page).toHaveURL(/\/runs\//);
  const confirm = page.getByRole("listitem", { name: /Confirm the switchover: waiting/ });
  await expect(confirm).toBeVisible({ timeout: 60_000 });
  await confirm.getByLabel("Note for Confirm the switchover").fill("drill");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("main").locator("header")).toContainText("succeeded", { timeout: 180_000 });
  await expect(page.getByLabel("Observed RTO")).toContainText("Observed RTO:");
  await page.goto(drillUrl);
}

test("an operator runs a drill with a switch back from the service page and reads its report and the history chart", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/services/orders-db");
  const drills = page.getByRole("region", { name: "Drills against budgets" });
  const form = drills.getByRole("form", { name: "Run a drill" });
  await form.getByLabel("Reason").fill("e2e: drill");
  await expect(form.getByLabel("Switch over to")).not.toHaveValue("");
  await form.getByRole("button", { name: "Run a drill" }).click();
  await expect(page).toHaveURL(/\/drills\//);
  await expect(page.getByText("The report is written when the run and the switch back end.")).toBeVisible();

  await confirmRun(page, "the drill's run");
  await expect(page.getByText(/Switch back:/)).toBeVisible({ timeout: 60_000 });
  await confirmRun(page, "the switch back run");

  await expect(page.getByRole("status").filter({ hasText: "passed" })).toBeVisible({ timeout: 60_000 });
  const verdicts = page.getByRole("region", { name: "Verdicts per dataset budget" });
  await expect(verdicts.getByRole("row")).toHaveCount(5);
  await expect(verdicts).toContainText("orders: strong, and no acknowledged write was lost.");
  await expect(page.getByRole("region", { name: "What users saw" })).toContainText("Acknowledged writes lost");

  await page.getByRole("link", { name: "orders-db" }).click();
  const history = page.getByRole("region", { name: "Drills against budgets" });
  await expect(history.getByRole("heading", { name: "Observed RTO" })).toBeVisible();
  await expect(history.getByText("seconds", { exact: true })).toBeVisible();
  await expect(history.getByRole("table")).toContainText("passed");

  await history.getByRole("link", { name: "All drills" }).click();
  await expect(page.getByRole("region", { name: "Drills", exact: true }).getByRole("row", { name: /and back/ }).first()).toContainText("passed");
  await expect(page.getByRole("region", { name: "Repeating drills" })).toBeVisible();
});
