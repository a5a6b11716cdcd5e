import { expect, test } from "@playwright/test";
import { TestOidcIssuer } from "../test/support/oidc-issuer";
import { signOut } from "./support/session";
import { E2E_OIDC } from "./support/single-sign-on";

const issuer = new TestOidcIssuer({
  clientId: E2E_OIDC.clientId,
  clientSecret: E2E_OIDC.clientSecret,
  redirectUri: `http://127.0.0.1:${process.env.E2E_PORT}/api/auth/callback/oidc`,
  port: E2E_OIDC.port,
});

test.beforeAll(async () => {
  await issuer.start();
});

test.afterAll(async () => {
  await issuer.stop();
});

test("an engineer signs in through the identity provider, lands on the console with the mapped roles, and is refused once out of the group", async ({ page }) => {
  issuer.users.set("olga", { password: "olga-idp-password", email: "olga@e2e.test", emailVerified: true, name: "Olga", groups: ["sre-leads"] });

  await page.goto("/signin?callbackUrl=%2Fsettings");
  await page.getByRole("button", { name: `Continue with ${E2E_OIDC.displayName}` }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await page.getByLabel("Username").fill("olga");
  await page.getByLabel("IdP password").fill("olga-idp-password");
  await page.getByRole("button", { name: "Log in at Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test IdP consent" })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();

  await expect(page).toHaveURL(/\/settings/);
  await expect(page.getByTitle("Signed in as")).toHaveText("olga@e2e.test");
  await expect(page.getByText("operator, approver", { exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" })).toHaveCount(0);

  // Taken out of every group the control plane maps; the provider's own session is still open.
  await signOut(page);
  issuer.users.get("olga")!.groups = ["marketing"];
  await page.getByRole("button", { name: `Continue with ${E2E_OIDC.displayName}` }).click();
  await expect(page).toHaveURL(/\/signin\?error=OidcRefused&rule=no-mapped-role/);
  await expect(page.getByRole("alert").filter({ hasText: "no group that grants a Switchyard role" })).toBeVisible();
  await page.goto("/fleet");
  await expect(page).toHaveURL(/\/signin/);
});
