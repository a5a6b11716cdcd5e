import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

/**
 * Replaces the code view's whole text as a person would: select all, then
 * type the new text (on one line: the browser's insertText input splits lines
 * its own way).
 */
async function replaceCode(page: Page, code: Locator, text: string): Promise<void> {
  await code.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

test("the policy form shows what each setting means as it is typed, keeps the code view in step, shows the schema's problems at their path, and proposes the change for approval", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/governance");
  const propose = page.getByRole("region", { name: "Propose a change" });
  await propose.getByLabel("Policy").selectOption("service:payments-db");

  const detection = propose.getByRole("group", { name: "Detecting a lost primary" });
  const failover = propose.getByRole("group", { name: "Automatic failover and its limits" });
  const code = propose.getByRole("textbox", { name: "Whole document (JSON)" });
  await expect(code).toContainText('"intervalSeconds"');

  // The form: each change is explained as it is typed, and lands in the code view.
  await detection.getByLabel("Heartbeat interval (s)").fill("3");
  await detection.getByLabel("Missed heartbeats before unfit (reports)").fill("3");
  await expect(detection).toContainText("a primary silent for 9 s (3 missed reports, one every 3 s) is declared lost, if the witnesses agree");
  await failover.getByLabel("Cooldown after a failover (s)").fill("1800");
  await expect(failover).toContainText("at most 2 automatic failovers in any hour");
  await failover.getByLabel("Cooldown after a failover (s)").fill("600");
  await expect(failover).toContainText("after a failover, automatic failover waits 10 min unless a person acknowledges it: at most 6 automatic failovers in any hour");
  await failover.getByLabel("Largest lag a standby may have to be promoted automatically (MiB)").fill("16");
  await expect(failover).toContainText("a standby lagging more than 16 MiB is never promoted automatically");
  const errant = failover.getByLabel("A former MariaDB primary holding transactions the new primary lacks");
  await expect(errant).toHaveValue("refuse");
  await errant.selectOption("rebuild");
  await expect(failover).toContainText("a former MariaDB primary holding transactions the new primary lacks is rebuilt from it when it rejoins, its databases first dumped to its agent's formerDataDir");
  await expect(code).toContainText('"errantTransactions": "rebuild"');
  await expect(propose.getByRole("list", { name: "Changes so far" })).toContainText("failover.errantTransactions: refuse → rebuild");
  await expect(code).toContainText('"cooldownSeconds": 600');
  await expect(code).toContainText(`"maxLagBytes": ${16 * 1024 * 1024}`);
  await expect(propose.getByRole("list", { name: "Changes so far" })).toContainText("failover.cooldownSeconds: 900 s → 600 s");

  // The code view: a whole document typed there replaces the form's values, and a value the schema
  // refuses is named by its path, in the editor, in the list of problems and at the form's field.
  const versions = await page.request.get("/api/v1/policies/service:payments-db/versions");
  expect(versions.status()).toBe(200);
  const inForce = ((await versions.json()) as { versions: { current: boolean; document: { heartbeat: { intervalSeconds: number } } }[] }).versions.find((version) => version.current)!;
  const text = structuredClone(inForce.document);
  text.heartbeat.intervalSeconds = 120;
  await replaceCode(page, code, JSON.stringify(text));
  await expect(failover.getByLabel("Cooldown after a failover (s)")).toHaveValue("900");
  const problems = propose.getByRole("list", { name: "Problems in the document" });
  await expect(problems).toContainText("heartbeat.intervalSeconds:");
  await expect(propose.locator(".cm-lintRange-error")).toHaveCount(1);
  await expect(detection.getByLabel("Heartbeat interval (s)")).toHaveValue("120");
  await expect(detection.getByLabel("Heartbeat interval (s)")).toHaveAttribute("aria-invalid", "true");
  await expect(detection).toContainText("Fix the problems in the document to see what this means.");
  await expect(propose.getByRole("button", { name: "Preview change" })).toBeDisabled();

  // Text that is not JSON leaves the form until it is fixed.
  await replaceCode(page, code, '{"heartbeat": ');
  await expect(propose.getByText("The code view does not hold valid JSON")).toBeVisible();
  await expect(problems).toContainText("document: not valid JSON");

  // Back to the valid document, then fixed from the form.
  await replaceCode(page, code, JSON.stringify(text));
  await detection.getByLabel("Heartbeat interval (s)").fill("3");
  await expect(problems).toHaveCount(0);
  await expect(propose.getByText("The document passes the policy schema the server checks it with.")).toBeVisible();
  // The misses came back from the version in force with the code view's text.
  await expect(detection).toContainText("a primary silent for 15 s (5 missed reports, one every 3 s)");

  // The proposal goes through the same preview and two-person rule as before.
  await propose.getByLabel("Reason").fill("e2e: slower heartbeats, shorter cooldown");
  await propose.getByRole("button", { name: "Preview change" }).click();
  const preview = propose.getByRole("region", { name: "Preview" });
  const proposed = preview.getByRole("list", { name: "Proposed changes" }).getByRole("listitem");
  await expect(proposed).toHaveCount(1);
  await expect(proposed).toContainText("heartbeat.intervalSeconds: 1 s → 3 s");
  await expect(preview).toContainText("needs 2 approvals");
  await propose.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page).toHaveURL(/\/governance\/change-requests\/[^/]+$/);
  await expect(page.getByRole("main").locator("header")).toContainText("open");
  await expect(page.getByText("You requested this change")).toBeVisible();
  await page.goto("/governance");
  await expect(page.getByRole("region", { name: "Change requests" }).getByRole("link", { name: "e2e: slower heartbeats, shorter cooldown" })).toBeVisible();
});
