import { expect, test } from "@playwright/test";
import { createByAdmin, tokenOf, type Person } from "./support/accounts";
import { signIn } from "./support/session";

const OPERATOR: Person = { email: "silences-operator@e2e.test", password: "silences-operator-password-1", roles: ["operator"] };
const VIEWER: Person = { email: "silences-viewer@e2e.test", password: "silences-viewer-password-1", roles: ["viewer"] };
// Unique per run: a data folder kept between runs keeps the silences ended before.
const REASON = `e2e: rebuilding the europe-west3 host (${Date.now()})`;

test.beforeAll(async ({ request }) => {
  await createByAdmin(request, OPERATOR);
  await createByAdmin(request, VIEWER);
});

// The specs after this one share the product and rely on alerts being sent: leave no silence behind, even on a failure.
test.afterAll(async ({ request }) => {
  const authorization = `Bearer ${await tokenOf(request, OPERATOR, ["operate"])}`;
  const list = (await (await request.get("/api/v1/silences", { headers: { authorization } })).json()) as { active: { id: string; createdBy: string }[] };
  for (const silence of list.active.filter((candidate) => candidate.createdBy === OPERATOR.email)) {
    expect((await request.post(`/api/v1/silences/${silence.id}/expire`, { headers: { authorization } })).status()).toBe(200);
  }
});

test("an operator silences orders-db's replica-unreachable alerts for an hour on the alerts page, is told what is refused, and expires it", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/alerts");
  const panel = page.getByRole("region", { name: "Silences" });
  const form = panel.getByRole("form", { name: "Silence alerts" });

  // Refused with the field named, nothing recorded.
  await form.getByLabel("Service labels").fill("tier");
  await form.getByLabel("Reason").fill(REASON);
  await form.getByRole("button", { name: "Silence" }).click();
  await expect(form.getByRole("alert")).toHaveText('labels: "tier" is not key=value');
  await form.getByLabel("Service labels").fill("tier=no-such-tier");
  await form.getByRole("button", { name: "Silence" }).click();
  await expect(form.getByRole("alert")).toContainText("labels: no service carries the labels tier=no-such-tier");

  await form.getByLabel("Service labels").fill("");
  await form.getByLabel("Service", { exact: true }).selectOption("orders-db");
  await form.getByLabel("Rule").selectOption("replica-unreachable");
  await form.getByLabel("Ends after").selectOption({ label: "1 h" });
  await form.getByRole("button", { name: "Silence" }).click();
  const active = panel.getByRole("table", { name: "Active silences" });
  const row = active.getByRole("row").filter({ hasText: REASON });
  await expect(row).toContainText("service orders-db · rule replica-unreachable");
  await expect(row).toContainText(OPERATOR.email);
  await expect(row.getByRole("cell").first()).toHaveText("active");

  await row.getByRole("button", { name: /^Expire silence .* now$/ }).click();
  await expect(active.getByRole("row").filter({ hasText: REASON })).toHaveCount(0);
  await panel.getByText(/^Ended \(\d+\)$/).click();
  const ended = panel.getByRole("table", { name: "Ended silences" }).getByRole("row").filter({ hasText: REASON });
  await expect(ended).toContainText(`by ${OPERATOR.email}`);
  await expect(ended.getByRole("button")).toHaveCount(0);

  // One starting later waits, pending, until its start.
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
  await form.getByLabel("Starts (UTC)").fill(inAnHour);
  await form.getByLabel("Reason").fill(`${REASON}, tomorrow's part`);
  await form.getByRole("button", { name: "Silence" }).click();
  const later = active.getByRole("row").filter({ hasText: "tomorrow's part" });
  await expect(later.getByRole("cell").first()).toHaveText("pending");
  await expect(later).toContainText(`from ${inAnHour.replace("T", " ")}:00 UTC`);
});

test("a viewer sees the silences and the inhibition and grouping rules, without the controls", async ({ page }) => {
  await signIn(page, VIEWER.email, VIEWER.password);
  await page.goto("/alerts");
  const panel = page.getByRole("region", { name: "Silences" });
  await expect(panel.getByText("Maintenance windows (in each service's policy) mute the services they cover.", { exact: false })).toBeVisible();
  await expect(panel.getByRole("form", { name: "Silence alerts" })).toHaveCount(0);
  await expect(page.getByText("lost-primary-inhibits-replica-unreachable")).toBeVisible();
  await expect(page.getByText("group-by-service")).toBeVisible();
});
