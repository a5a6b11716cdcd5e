import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

test("the runbooks page shows each definition with its source, and a dry run plans without acting", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runbooks" }).click();
  const switchover = page.getByRole("region", { name: "Planned switchover" });
  await expect(switchover).toContainText("planned-switchover.yaml");
  await switchover.getByText("Steps and source").click();
  await expect(switchover.locator("pre")).toContainText("command: fence");

  await switchover.getByLabel("to region").selectOption("aws:eu-west-1");
  await switchover.getByLabel("reason").fill("e2e dry run");
  await switchover.getByRole("button", { name: "Dry run" }).click();
  const plan = switchover.getByLabel("Dry-run plan");
  await expect(plan).toContainText("pg-us-east-1");
  await expect(plan.getByRole("row", { name: /Promote the target/ })).toContainText("pg-eu-west-1");
  // The browser tests run without the lab, so no agent reports: the plan says a run would stop.
  await expect(plan.getByRole("alert")).toContainText("pg-eu-west-1 is not streaming");
});
