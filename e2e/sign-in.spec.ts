import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/session";

// Signing in compares an argon2id hash and takes two short transactions: on a busy machine
// (the lab runs beside it) that can take longer than the default 10 s.
const SIGNED_IN = { timeout: 30_000 };

// Chromium reads `/\evil.example` as `//evil.example`: a "starts with /" check let it through.
for (const callbackUrl of ["/\\evil.example/phish", "//evil.example/phish", "https://evil.example/phish"]) {
  test(`after signing in, a callbackUrl of ${callbackUrl} leads to the fleet, not away`, async ({ page, baseURL }) => {
    const elsewhere: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).hostname === "evil.example") elsewhere.push(request.url());
    });
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${baseURL}/fleet`, SIGNED_IN);
    await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
    expect(elsewhere).toEqual([]);
  });
}

test("a path on this control plane is where signing in leads", async ({ page, baseURL }) => {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/alerts")}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${baseURL}/alerts`, SIGNED_IN);
});

test("signing in and out at another address than the configured one works there, and the page names the configured one", async ({ page, baseURL }) => {
  // The product is configured as http://127.0.0.1:<port> (NEXTAUTH_URL); open it as localhost.
  const other = baseURL!.replace("127.0.0.1", "localhost");
  await page.goto(`${other}/signin`);
  await expect(page.getByRole("note", { name: "Address" })).toContainText(`This control plane's address is ${baseURL}.`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${other}/fleet`, SIGNED_IN);
  await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  // Signing out stays at the address in use too, instead of leading to the configured one.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${other}/signin`);
  await page.goto(`${other}/fleet`);
  // Signed out there: the fleet sends to sign in, at that address.
  await expect(page).toHaveURL(`${other}/signin?callbackUrl=%2Ffleet`);
});

test("at the configured address the sign-in page has nothing to say about addresses", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in to Switchyard" })).toBeVisible();
  await expect(page.getByRole("note", { name: "Address" })).toHaveCount(0);
});
