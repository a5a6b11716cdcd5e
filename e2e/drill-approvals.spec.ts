import { expect, test } from "@playwright/test";
import { onboard, tokenOf } from "./support/accounts";
import { ADMIN, signIn, signOut } from "./support/session";

/**
 * A drill on production with approval: payments-db's policy is changed
 * (through governance, two approvals: the rule is safety-relevant) to
 * require approval of its drills; an operator's drill then waits, shows the
 * operator what it takes, and an approver rejects it from the drill page
 * with a note. Nothing runs, so the lab is left as it was.
 */
const OPERATOR = { email: "drill-asker@e2e.test", password: "drill-asker-password-1" };
const APPROVERS = [
  { email: "drill-approver-1@e2e.test", password: "drill-approver-password-1" },
  { email: "drill-approver-2@e2e.test", password: "drill-approver-password-2" },
];

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  await onboard(request, [{ ...OPERATOR, roles: ["operator"] }, ...APPROVERS.map((approver) => ({ ...approver, roles: ["approver"] }))]);
  const admin = await tokenOf(request, ADMIN, ["admin"]);
  const policy = await request.get("/api/v1/services/payments-db/policy", { headers: { authorization: `Bearer ${admin}` } });
  const { document } = (await policy.json()) as { document: Record<string, unknown> };
  const proposed = await request.post("/api/v1/change-requests", {
    headers: { authorization: `Bearer ${admin}` },
    data: { serviceId: "payments-db", document: { ...document, drills: { requireApproval: true, approvalExpiresAfterMinutes: 240 } }, reason: "e2e: drills of payments-db need a second person" },
  });
  expect(proposed.status(), await proposed.text()).toBe(201);
  const { id } = (await proposed.json()) as { id: string };
  for (const approver of APPROVERS) {
    const approved = await request.post(`/api/v1/change-requests/${id}/approve`, { headers: { authorization: `Bearer ${await tokenOf(request, approver, ["approve"])}` }, data: { comment: "yes" } });
    expect(approved.status(), await approved.text()).toBe(200);
  }
  const after = await request.get("/api/v1/services/payments-db/policy", { headers: { authorization: `Bearer ${admin}` } });
  expect(((await after.json()) as { document: { drills: { requireApproval: boolean } } }).document.drills.requireApproval).toBe(true);
});

test("a drill on a service requiring approval waits, shows its asker a role hint, and an approver rejects it with a note from the drill page", async ({ page }) => {
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await page.goto("/services/payments-db");
  const form = page.getByRole("region", { name: "Drills against budgets" }).getByRole("form", { name: "Run a drill" });
  await form.getByLabel("Reason").fill("e2e: rehearsal on production");
  await expect(form.getByLabel("Switch over to")).not.toHaveValue("");
  await form.getByRole("button", { name: "Run a drill" }).click();
  // The lab may still be starting beside the control plane on a busy machine: the first page load can be slow.
  await expect(page).toHaveURL(/\/drills\//, { timeout: 60_000 });
  const drillUrl = page.url();

  const approval = page.getByRole("region", { name: /Approval/ });
  await expect(approval).toContainText("awaiting approval");
  await expect(approval).toContainText("payments-db requires a second person's approval of its drills. Asked by drill-asker@e2e.test");
  await expect(approval).toContainText("You asked for this drill: a person with the approver role other than you must approve it.");
  await expect(approval.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByText("No run yet: it starts once a second person approves the drill.")).toBeVisible();
  await signOut(page);

  await signIn(page, APPROVERS[0]!.email, APPROVERS[0]!.password);
  await page.goto(drillUrl);
  const deciding = page.getByRole("region", { name: /Approval/ });
  await expect(deciding.getByRole("button", { name: "Approve" })).toBeDisabled();
  await deciding.getByLabel("Note on this drill's approval").fill("not during the sale");
  await deciding.getByRole("button", { name: "Reject" }).click();
  await expect(deciding).toContainText("rejected by drill-approver-1@e2e.test");
  await expect(deciding).toContainText("“not during the sale”");
  await expect(page.getByRole("main").locator("header")).toContainText("rejected");
  await expect(page.getByText("No run started.")).toBeVisible();
  await expect(deciding.getByRole("button")).toHaveCount(0);
});
