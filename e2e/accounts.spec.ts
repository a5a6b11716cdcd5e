import { expect, test, type Page } from "@playwright/test";
import { onboard, ONBOARDING_ADMIN } from "./support/accounts";
import { ADMIN, signIn, signOut } from "./support/session";

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  await onboard(request, []);
});

async function createApprover(page: Page, email: string): Promise<void> {
  await page.goto("/settings/users");
  const form = page.getByRole("region", { name: "Create a user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("grantee-password-1");
  await form.getByLabel("approver", { exact: true }).check();
  await form.getByLabel("Why they need approver or admin").fill("joins the change board");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Created ${email}; approver waits for a second admin's approval.`);
  await expect(page.getByRole("row", { name: new RegExp(email) }).first()).toContainText("approver: awaiting a second admin");
}

const waitingGrant = (page: Page, email: string) => page.getByRole("region", { name: "Waiting for a second admin" }).getByTestId(`grant-${email}`);

test("a new approver waits for a second admin, who approves the grant in Settings → Users; an admin its requester made cannot", async ({ page }) => {
  const email = `grantee-${Date.now()}@e2e.test`;
  await signIn(page, ONBOARDING_ADMIN.email, ONBOARDING_ADMIN.password);
  await createApprover(page, email);
  await expect(waitingGrant(page, email)).toContainText("You asked for this: another admin must approve it.");
  await expect(waitingGrant(page, email).getByRole("button", { name: "Approve" })).toHaveCount(0);
  await signOut(page);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  await expect(waitingGrant(page, email)).toContainText("joins the change board");
  await waitingGrant(page, email).getByRole("button", { name: "Approve" }).click();
  await expect(waitingGrant(page, email)).toHaveCount(0);
  const row = page.getByRole("row", { name: new RegExp(email) }).first();
  await expect(row).toContainText("approver");
  await expect(row).not.toContainText("awaiting a second admin");

  // The first admin made the onboarding admin: it is no second admin for the first admin's grants.
  const other = `grantee-${Date.now()}-2@e2e.test`;
  await createApprover(page, other);
  await signOut(page);
  await signIn(page, ONBOARDING_ADMIN.email, ONBOARDING_ADMIN.password);
  await page.goto("/settings/users");
  await waitingGrant(page, other).getByRole("button", { name: "Approve" }).click();
  await expect(waitingGrant(page, other).getByRole("alert")).toContainText(`onboarding-admin@e2e.test still signs in with the password ${ADMIN.email} chose`);
  await expect(waitingGrant(page, other)).toHaveCount(1);
});

test("a person changes their password under Your account: every session of theirs ends, and the new one signs in", async ({ page, request }) => {
  const person = { email: `mover-${Date.now()}@e2e.test`, password: "mover-password-1", next: "mover-password-2" };
  const issued = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e accounts", scopes: ["admin"] } });
  const adminToken = ((await issued.json()) as { token: string }).token;
  const created = await request.post("/api/v1/users", { headers: { authorization: `Bearer ${adminToken}` }, data: { email: person.email, password: person.password, roles: ["viewer"] } });
  expect(created.status()).toBe(201);

  await signIn(page, person.email, person.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Your account" }).click();
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password").fill(person.next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is wrong.")).toBeVisible();

  await page.getByLabel("Current password").fill(person.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed.");
  // This very session ended with the old password.
  expect((await page.request.get("/api/v1/services")).status()).toBe(401);
  await page.getByRole("link", { name: "Sign in with the new password" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, person.email, person.next);
});
