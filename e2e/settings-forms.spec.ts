import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

/**
 * The settings pages change things through the API, as the rest of the
 * console does: an input the operation's schema refuses is named at its field
 * before anything is sent, the API's own refusals show where the person acted,
 * and a change shows on the page once the server holds it.
 */

/** Counts the API requests the page sends to a path, by method. */
function countRequests(page: Page, method: string, path: RegExp): () => number {
  let count = 0;
  page.on("request", (request) => {
    if (request.method() === method && path.test(new URL(request.url()).pathname)) count += 1;
  });
  return () => count;
}

test("an admin creates a user, resets their password and disables them from Settings → Users, from the keyboard", async ({ page }) => {
  const email = `settings-${Date.now()}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  const creates = countRequests(page, "POST", /^\/api\/v1\/users$/);

  const form = page.getByRole("region", { name: "Create a user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("short");
  await page.keyboard.press("Enter");
  await expect(form.getByLabel("Initial password")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#new-password-error")).toContainText(/^password: /);
  expect(creates(), "refused before sending").toBe(0);

  await form.getByLabel("Initial password").fill("settings-password-1");
  await page.keyboard.press("Enter");
  await expect(form.getByRole("status")).toHaveText(`Created ${email}.`);
  expect(creates()).toBe(1);
  const row = page.getByRole("row", { name: new RegExp(email) }).first();
  await expect(row).toContainText("active");

  // The API's own refusal shows where the person acted: the address is taken now.
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("settings-password-1");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#new-email-error")).toBeVisible();
  expect(creates(), "sent, and refused by the server").toBe(2);

  await row.getByRole("button", { name: `Reset the password of ${email}` }).click();
  const newPassword = row.getByLabel(`New password for ${email}`);
  await newPassword.fill("short");
  await newPassword.press("Enter");
  await expect(row.getByRole("alert")).toContainText(/^newPassword: /);
  await newPassword.fill("settings-password-2");
  await newPassword.press("Enter");
  await expect(row.getByRole("status")).toContainText(`Done: every session of ${email} has ended and 0 API tokens were revoked.`);

  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(email) }).first()).toContainText("disabled");
  await page.getByRole("row", { name: new RegExp(email) }).first().getByRole("button", { name: `Enable ${email}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(email) }).first()).toContainText("active");
});
