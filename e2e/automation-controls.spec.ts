import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const OPERATOR = { email: "automation-operator@e2e.test", password: "automation-operator-password-1" };
const VIEWER = { email: "automation-viewer@e2e.test", password: "automation-viewer-password-1" };

async function tokenFor(request: APIRequestContext, user: { email: string; password: string }, scopes: string[]): Promise<string> {
  const issued = await request.post("/api/v1/auth/tokens", { data: { email: user.email, password: user.password, name: "e2e automation controls", scopes } });
  return ((await issued.json()) as { token: string }).token;
}

test.beforeAll(async ({ request }) => {
  const token = await tokenFor(request, ADMIN, ["admin"]);
  for (const [user, role] of [
    [OPERATOR, "operator"],
    [VIEWER, "viewer"],
  ] as const) {
    const created = await request.post("/api/v1/users", { headers: { authorization: `Bearer ${token}` }, data: { email: user.email, password: user.password, roles: [role] } });
    expect([201, 409]).toContain(created.status());
  }
});

// The specs after this one share the product and rely on automation acting: leave no pause behind, even on a failure.
test.afterAll(async ({ request }) => {
  const authorization = `Bearer ${await tokenFor(request, OPERATOR, ["operate"])}`;
  const pauses = (await (await request.get("/api/v1/automation/pauses", { headers: { authorization } })).json()) as { active: { id: string; createdBy: string }[] };
  for (const pause of pauses.active.filter((candidate) => candidate.createdBy === OPERATOR.email)) {
    expect((await request.post(`/api/v1/automation/pauses/${pause.id}/end`, { headers: { authorization } })).status()).toBe(200);
  }
});

/** Controls appear once the page has the pauses; after this, a control that is absent stays absent. */
const pausesLoaded = (page: Page) => page.waitForResponse((response) => response.url().endsWith("/api/v1/automation/pauses") && response.ok());

test("an operator pauses orders-db's automation for an hour, sees it paused on its page and on the fleet, then resumes it", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/services/orders-db");
  const card = page.getByTestId("automation-card");
  const acting = card.getByTestId("automation-acting");
  await expect(acting).toHaveAttribute("data-acting", "true");

  await card.getByLabel("Reason for pausing").fill("e2e: storage maintenance");
  await card.getByLabel("Ends after").selectOption("1 h");
  await card.getByRole("button", { name: "Pause automation" }).click();
  await expect(acting).toHaveAttribute("data-acting", "false");
  await expect(acting).toContainText("not acting");
  await expect(acting).toContainText("Paused: automation is paused (e2e: storage maintenance)");
  await expect(card.getByTestId("pause-orders-db")).toContainText("by automation-operator@e2e.test");

  await page.goto("/fleet");
  const fleetState = page.getByTestId("service-orders-db").getByTestId("automation-state");
  await expect(fleetState).toHaveAttribute("data-state", "paused");
  await expect(fleetState).toContainText("e2e: storage maintenance");

  await page.goto("/services/orders-db");
  await card.getByRole("button", { name: "Resume automation of orders-db" }).click();
  await expect(acting).toHaveAttribute("data-acting", "true");
  await expect(card.getByTestId("pause-orders-db")).toHaveCount(0);
});

test("a viewer sees the automation but no control over it", async ({ page }) => {
  const fleetPauses = pausesLoaded(page);
  await signIn(page, VIEWER.email, VIEWER.password);
  await fleetPauses;
  await expect(page.getByTestId("fleet-automation")).toBeVisible();
  await expect(page.getByRole("button", { name: /Pause automation|Resume/ })).toHaveCount(0);

  const servicePauses = pausesLoaded(page);
  await page.goto("/services/orders-db");
  await servicePauses;
  await expect(page.getByTestId("automation-acting")).toHaveAttribute("data-acting", "true");
  await expect(page.getByRole("button", { name: /Pause automation|Resume|Acknowledge last failover/ })).toHaveCount(0);
});
