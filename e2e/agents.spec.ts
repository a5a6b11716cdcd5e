import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

test("an admin issues an enrollment token from Settings → Agents, with the command line to run, using the keyboard", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/agents");
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Agents" })).toHaveAttribute("aria-current", "page");
  const fingerprint = (await page.getByTestId("command-key-fingerprint").innerText()).trim();
  expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

  // The lab enrolled an agent for each replica at start.
  const row = page.getByRole("row", { name: /orders-db\/pg-eu-west-1/ });
  await expect(row).toContainText("agent-pg-eu-west-1");

  await page.getByLabel("Enrollment tokens expire after").selectOption({ label: "1 day" });
  const issue = row.getByRole("button", { name: "Issue enrollment token for pg-eu-west-1" });
  await issue.focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("status", { name: "Enrollment token for pg-eu-west-1" });
  await expect(panel).toBeFocused();
  const token = (await panel.getByTestId("enrollment-token").innerText()).trim();
  expect(token).toMatch(/^sye_/);
  await expect(panel.getByTestId("enroll-command")).toHaveText(
    `SWITCHYARD_ENROLLMENT_TOKEN=${token} switchyard-agent enroll --control-plane ${new URL(page.url()).origin} --expect-fingerprint ${fingerprint} --postgres 'postgresql://switchyard_monitor@127.0.0.1:5432/postgres'`,
  );
  await expect(panel).toContainText("it is not shown again");

  // Issued and audited; the token itself is nowhere in the audit trail.
  const audit = await page.request.get("/api/v1/audit?action=agent.enrollment_token_issue&limit=1");
  expect(audit.status()).toBe(200);
  const event = (await audit.json()).events[0];
  expect(event).toMatchObject({ actorLabel: ADMIN.email, action: "agent.enrollment_token_issue" });
  expect(JSON.stringify(event)).not.toContain(token);

  await panel.getByRole("button", { name: "Done" }).click();
  await expect(panel).toHaveCount(0);
  // Shown once: a reload shows no token.
  await page.reload();
  await expect(page.getByTestId("enrollment-token")).toHaveCount(0);
});
