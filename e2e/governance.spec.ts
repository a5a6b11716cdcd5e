import { expect, test } from "@playwright/test";
import { onboard } from "./support/accounts";
import { ADMIN, signIn, signOut } from "./support/session";

const APPROVER = { email: "approver@e2e.test", password: "approver-password-1" };
const AUDITOR = { email: "auditor@e2e.test", password: "auditor-password-1" };
let adminToken = "";

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  const issued = await request.post("/api/v1/auth/tokens", { data: { email: ADMIN.email, password: ADMIN.password, name: "e2e governance", scopes: ["admin"] } });
  adminToken = ((await issued.json()) as { token: string }).token;
  await onboard(request, [
    { ...APPROVER, roles: ["approver"] },
    { ...AUDITOR, roles: ["auditor"] },
  ]);
});

test("an admin proposes a change, sees no approve button on it, a second user's approval puts it in force, and an auditor finds and exports both events", async ({ page, request }) => {
  const effective = async () => {
    const response = await request.get("/api/v1/services/orders-db/policy", { headers: { authorization: `Bearer ${adminToken}` } });
    return (await response.json()) as { version: number; document: { alerts: { conflictsPerMinuteMax: number } } };
  };
  // A threshold no other browser test depends on (the SRE journey times the alert window).
  const before = await effective();
  const threshold = before.document.alerts.conflictsPerMinuteMax + 5;

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Governance" }).click();
  const propose = page.getByRole("region", { name: "Propose a change" });
  await propose.getByLabel("Policy").selectOption("service:orders-db");
  // A field the form leaves to the code view, typed there over the version in force.
  const editor = propose.getByRole("textbox", { name: "Whole document (JSON)" });
  await expect(editor).toContainText('"intervalSeconds"');
  const versions = (await (await page.request.get("/api/v1/policies/service:orders-db/versions")).json()) as { versions: { current: boolean; document: { alerts: { conflictsPerMinuteMax: number } } }[] };
  const document = versions.versions.find((version) => version.current)!.document;
  document.alerts.conflictsPerMinuteMax = threshold;
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  // On one line: the browser's insertText input splits lines its own way.
  await page.keyboard.insertText(JSON.stringify(document));
  await propose.getByLabel("Reason").fill("e2e: tolerate a few more conflicts");

  // Nothing can be submitted before the preview of exactly this text.
  await expect(propose.getByRole("button", { name: "Submit for approval" })).toBeDisabled();
  await propose.getByRole("button", { name: "Preview change" }).click();
  const preview = propose.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("list", { name: "Proposed changes" })).toContainText(`alerts.conflictsPerMinuteMax: ${before.document.alerts.conflictsPerMinuteMax} → ${threshold}`);
  await expect(preview).toContainText("needs 1 approval");
  await propose.getByRole("button", { name: "Submit for approval" }).click();

  await expect(page).toHaveURL(/\/governance\/change-requests\/[^/]+$/);
  const requestUrl = page.url();
  await expect(page.getByRole("main").locator("header")).toContainText("open");
  await expect(page.getByText("You requested this change")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Reject" })).toHaveCount(0);
  await signOut(page);

  await signIn(page, APPROVER.email, APPROVER.password);
  await page.goto("/governance");
  await page.getByRole("region", { name: "Change requests" }).getByRole("link", { name: "e2e: tolerate a few more conflicts" }).first().click();
  await expect(page).toHaveURL(requestUrl);
  await expect(page.getByLabel("Approvals so far")).toHaveText("0 of 1");
  await page.getByLabel(/^Comment/).fill("fine by me");
  await page.getByRole("button", { name: "Approve" }).click();

  await expect(page.getByRole("main").locator("header")).toContainText("applied");
  await expect(page.getByRole("list", { name: "Decisions" })).toContainText("approver@e2e.test approved");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  const after = await effective();
  expect(after.version).toBe(before.version + 1);
  expect(after.document.alerts.conflictsPerMinuteMax).toBe(threshold);
  await page.goto("/governance");
  await expect(page.getByRole("region", { name: "Policies", exact: true }).getByRole("row", { name: /service:orders-db/ })).toContainText(`v${after.version}`);

  await signOut(page);

  // A third person, an auditor, finds the request and its approval in the trail and exports them.
  await signIn(page, AUDITOR.email, AUDITOR.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
  const filters = page.getByRole("form", { name: "Filter the audit trail" });
  await filters.getByLabel("Actions").selectOption(["change_request.create", "change_request.approve", "policy.apply"]);
  await filters.getByLabel("Service", { exact: true }).fill("orders-db");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const events = page.getByRole("region", { name: "Latest events" }).getByRole("row");
  await expect(events.filter({ hasText: "change_request.create" }).filter({ hasText: ADMIN.email })).toHaveCount(1);
  await expect(events.filter({ hasText: "change_request.approve" }).filter({ hasText: APPROVER.email })).toHaveCount(1);
  // The lab's own first policy for orders-db is applied too, by the system; this one is the approver's.
  await expect(events.filter({ hasText: "policy.apply" }).filter({ hasText: APPROVER.email })).toHaveCount(1);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await (await download).createReadStream().then(async (stream) => {
    let text = "";
    for await (const chunk of stream) text += String(chunk);
    return text;
  });
  const lines = csv.trim().split("\n");
  expect(lines[0]).toMatch(/^seq,/);
  expect(lines[0]).toContain("hash");
  expect(lines.filter((line) => line.includes("change_request.create"))).toHaveLength(1);
  expect(lines.filter((line) => line.includes("change_request.approve"))).toHaveLength(1);
  expect(lines.filter((line) => line.includes("policy.apply") && line.includes(APPROVER.email))).toHaveLength(1);
});

