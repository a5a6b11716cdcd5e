import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const OPERATOR = { email: "on-call-lead@e2e.test", password: "on-call-lead-password-1" };
const weekAgo = () => new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);

test.beforeAll(async ({ request }) => {
  const token = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e on-call setup", scopes: ["admin"] } });
  const { token: secret } = (await token.json()) as { token: string };
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${secret}` },
    data: { email: OPERATOR.email, password: OPERATOR.password, roles: ["operator"] },
  });
  expect([201, 409]).toContain(created.status());
});

test("an operator sets their paging contact, creates a rotation and an escalation policy, and assigns it to a service", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);

  await page.goto("/settings/account");
  const contact = page.getByRole("region", { name: "Paging contact" });
  await expect(contact.getByText("You have no paging contact")).toBeVisible();
  await contact.getByLabel("Format your receiver accepts").selectOption("alertmanager");
  await contact.getByLabel("Webhook URL").fill("https://alertmanager.e2e.test/hook");
  await contact.getByLabel("Your time zone (IANA)").fill("Mars/Olympus");
  await contact.getByRole("button", { name: "Save paging contact" }).click();
  await expect(contact.getByText("timeZone: must be an IANA time zone")).toBeVisible();
  await contact.getByLabel("Your time zone (IANA)").fill("Europe/Berlin");
  await contact.getByRole("button", { name: "Save paging contact" }).click();
  await expect(contact.getByText("You are paged at https://alertmanager.e2e.test/hook (alertmanager)")).toBeVisible();

  await page.getByRole("link", { name: "On-call" }).click();
  await expect(page).toHaveURL(/\/oncall$/);
  const rotations = page.getByRole("region", { name: "Rotations" });
  const newRotation = rotations.getByRole("form", { name: "New rotation" });
  await newRotation.getByLabel("Name").fill("e2e databases");
  await newRotation.getByLabel("People, in order (emails)").fill(OPERATOR.email);
  await newRotation.getByLabel("First handoff (local date)").fill(weekAgo());
  await newRotation.getByLabel("Time zone (IANA)").fill("Europe/Berlin");
  await newRotation.getByRole("button", { name: "Create rotation" }).click();
  const card = rotations.getByRole("article", { name: "e2e databases" });
  await expect(card).toContainText(`On call now: ${OPERATOR.email}`);
  await expect(card).toContainText("Weekly at 09:00 Europe/Berlin");

  const policies = page.getByRole("region", { name: "Escalation policies" });
  const newPolicy = policies.getByRole("form", { name: "New escalation policy" });
  await newPolicy.getByLabel("Name", { exact: true }).fill("e2e escalation");
  await newPolicy.getByRole("checkbox", { name: "e2e databases" }).check();
  await newPolicy.getByLabel("Escalate after (minutes without acknowledgement)").fill("0");
  await newPolicy.getByRole("button", { name: "Create policy" }).click();
  await expect(newPolicy.getByRole("alert")).toContainText("levels.0.timeoutMinutes: must be at least 1 minute");
  await newPolicy.getByLabel("Escalate after (minutes without acknowledgement)").fill("5");
  await newPolicy.getByRole("button", { name: "Create policy" }).click();
  const policy = policies.getByRole("article", { name: "e2e escalation" });
  await expect(policy).toContainText(`Page rotation "e2e databases" (${OPERATOR.email}); if nobody acknowledges within 5 min, nobody more is paged.`);

  await policies.getByLabel("Escalation policy of orders-db").selectOption({ label: "e2e escalation" });
  await expect(policy).toContainText("Pages for orders-db.");
  await expect(page.getByRole("region", { name: "How escalation decides" })).toContainText("Alerts of severity critical page people.");
});
