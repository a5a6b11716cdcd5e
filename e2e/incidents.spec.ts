import { expect, test } from "@playwright/test";
import { createByAdmin, type Person } from "./support/accounts";
import { ADMIN, signIn } from "./support/session";

const OPERATOR: Person = { email: "incident-operator@e2e.test", password: "incident-operator-1", roles: ["operator"] };

test.beforeAll(async ({ request }) => {
  await createByAdmin(request, OPERATOR);
});

test("an operator declares an incident, takes command, posts updates with notes, resolves it and edits its review written from the record", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  // The lab may have opened one already (a critical alert, a failover): one service has at most one open incident.
  await page.goto("/services/orders-db");
  const card = page.getByRole("region", { name: "Incidents" });
  await expect(card.getByText(/No open incident\.|commander/)).toBeVisible();
  const open = card.getByRole("link").filter({ hasNotText: "All incidents of orders-db" });
  if ((await open.count()) > 0) {
    await open.first().click();
  } else {
    await card.getByRole("link", { name: "All incidents of orders-db" }).click();
    await expect(page).toHaveURL(/\/incidents\?serviceId=orders-db/);
    const form = page.getByRole("region", { name: "Declare an incident" });
    await expect(form.getByLabel("Services (comma-separated ids)")).toHaveValue("orders-db");
    await form.getByLabel("Title").fill("checkout errors reported");
    await form.getByLabel("What is known so far").fill("customers report timeouts on checkout");
    await form.getByRole("button", { name: "Declare incident" }).click();
  }
  await expect(page).toHaveURL(/\/incidents\/[^/]+$/);

  const roles = page.getByRole("region", { name: "Roles" });
  // Declaring makes one the commander; an incident the lab opened has none yet.
  if (!(await roles.getByText(`Commander: ${OPERATOR.email}`).isVisible())) {
    await roles.getByLabel("Commander (email)").fill(OPERATOR.email);
    await roles.getByLabel("Commander (email)").press("Enter");
  }
  await expect(roles.getByText(`Commander: ${OPERATOR.email}`)).toBeVisible();
  await roles.getByLabel("Responder (email)").fill(ADMIN.email);
  await roles.getByLabel("Responder (email)").press("Enter");
  await expect(roles.getByText(`responders: ${ADMIN.email}`)).toBeVisible();

  const updates = page.getByRole("region", { name: "Status updates" });
  await updates.getByLabel("Status", { exact: true }).selectOption("identified");
  await updates.getByRole("button", { name: "Post update" }).click();
  // The note is required: the browser keeps the form until it is given.
  await expect(updates.getByText("us-east-1 host lost power")).toHaveCount(0);
  await updates.getByLabel("Note (required)").fill("us-east-1 host lost power");
  await updates.getByRole("button", { name: "Post update" }).click();
  await expect(updates.getByText("us-east-1 host lost power")).toBeVisible();
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.locator('tr[data-action="incident.status"]').filter({ hasText: "set the status to identified" })).toBeVisible();
  await expect(timeline.locator('tr[data-action="incident.roles"]')).toBeVisible();

  await updates.getByLabel("Status", { exact: true }).selectOption("resolved");
  await updates.getByLabel("Note (required)").fill("writes flow again; stable");
  await updates.getByRole("button", { name: "Post update" }).click();
  await expect(updates.getByText("The incident is resolved: it takes no more status updates")).toBeVisible();

  await page.getByRole("link", { name: /Post-incident review/ }).click();
  await page.getByRole("button", { name: "Write the draft from the record" }).click();
  const editor = page.getByLabel("Review in Markdown");
  await expect(editor).toHaveValue(/## Detection and decision/);
  await expect(editor).toHaveValue(/set the status to identified — us-east-1 host lost power/);
  await editor.fill(`${await editor.inputValue()}\nImpact: checkout refused for a while.`);
  await page.getByRole("button", { name: "Save as version 2" }).click();
  await expect(page.getByText(/Version 2 by incident-operator@e2e.test/)).toBeVisible();
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "Contributing factors" })).toBeVisible();
  await expect(page.getByRole("link", { name: "PDF" })).toHaveAttribute("href", /format=pdf&version=2/);
});
