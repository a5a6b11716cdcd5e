import { expect, test } from "@playwright/test";
import { createByAdmin, type Person } from "./support/accounts";
import { ADMIN, signIn } from "./support/session";

const OPERATOR: Person = { email: "on-call@e2e.test", password: "on-call-password-1", roles: ["operator"] };

test.beforeAll(async ({ request }) => {
  await createByAdmin(request, OPERATOR);
});

test("the runbooks page shows each definition with its source", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runbooks" }).click();
  const switchover = page.getByRole("region", { name: "Planned switchover" });
  await expect(switchover).toContainText("planned-switchover.yaml");
  await switchover.getByText("Steps and source").click();
  await expect(switchover.locator("pre")).toContainText("command: fence");
  // An admin may plan but not run: the start button is there, disabled, saying which role it needs.
  await switchover.getByLabel("to region").selectOption("aws:eu-west-1");
  await switchover.getByLabel("reason").fill("e2e dry run");
  await switchover.getByRole("button", { name: "Dry run" }).click();
  await expect(switchover.getByLabel("Dry-run plan")).toContainText("pg-us-east-1");
  const start = switchover.getByRole("button", { name: "Start run" });
  await expect(start).toBeDisabled();
  await expect(start).toHaveAccessibleDescription(/needs the operator role/);
});

test("an operator plans and runs the planned switchover from the UI, confirms the manual step, and sees it complete", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/runbooks");
  const switchover = page.getByRole("region", { name: "Planned switchover" });
  await switchover.getByLabel("to region").selectOption("aws:eu-west-1");
  await switchover.getByLabel("reason").fill("e2e: planned switchover to aws:eu-west-1");

  // The lab's agents report every second; plan until every check passes.
  await expect(async () => {
    await switchover.getByRole("button", { name: "Dry run" }).click();
    await expect(switchover.getByText("Every check passes now")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  const plan = switchover.getByLabel("Dry-run plan");
  await expect(plan.getByRole("row", { name: /Promote the target/ })).toContainText("pg-eu-west-1");

  await switchover.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\//);
  const confirm = page.getByRole("listitem", { name: /Confirm the switchover: waiting/ });
  await expect(confirm).toBeVisible({ timeout: 30_000 });
  await confirm.getByLabel("Note for Confirm the switchover").fill("go ahead");
  await confirm.getByRole("button", { name: "Confirm" }).click();

  // Live, without a reload: every step ends succeeded, the run too.
  await expect(page.getByRole("listitem", { name: /Writes are refused on the old primary: succeeded/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("main").locator("header")).toContainText("succeeded");
  await expect(page.getByRole("listitem", { name: /Confirm the switchover: succeeded/ })).toContainText("by on-call@e2e.test: “go ahead”");

  // Outputs read as sentences, LSNs as PostgreSQL writes them, the zero-loss proof spelled out; the JSON one click away.
  const promote = page.getByRole("listitem", { name: /Promote the target: succeeded/ });
  await expect(promote).toContainText(/pg-eu-west-1 promoted at [0-9A-F]+\/[0-9A-F]+ on timeline \d+; replayed [0-9A-F]+\/[0-9A-F]+ ≥ fenced [0-9A-F]+\/[0-9A-F]+/);
  await expect(page.getByRole("listitem", { name: /Fence the primary.*: succeeded/ })).toContainText(/pg-us-east-1 fenced: read-only at [0-9A-F]+\/[0-9A-F]+/);
  await promote.getByText("Raw output").click();
  await expect(promote.locator("pre")).toContainText('"timeline"');
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByRole("img", { name: /Run timeline: \d+ steps over/ })).toBeVisible();
  await expect(timeline).toContainText("on-call@e2e.test");
  await expect(timeline).toContainText("writes refused for");

  await page.goto("/fleet");
  await expect(page.getByRole("region", { name: "orders-db" })).toContainText("aws:eu-west-1 (EU)");
});
