import { expect, test, type Page } from "@playwright/test";
import { freePort } from "../server/store/free-port";
import { ReplicationCluster, type ClusterServer } from "../test/support/replication-cluster";
import { onboard } from "./support/accounts";
import { ADMIN, signIn, signOut } from "./support/session";

/**
 * Issue 13 in the browser: an admin adds a service through the console
 * (discovery, review, submit), an approver approves it, and it appears on
 * the fleet page. The cluster discovered is real: PostgreSQL 18 from npm,
 * a primary and a synchronous standby this test starts on free ports in its
 * own temporary folder, apart from the lab's.
 */
const APPROVER = { email: "topology-approver@e2e.test", password: "topology-approver-1" };
const VIEWER = { email: "topology-viewer@e2e.test", password: "topology-viewer-1" };
const MONITOR = { role: "switchyard_discovery", password: "discovery-secret-1" };
const REASON = "e2e: bring the billing cluster under Switchyard";

let cluster: ReplicationCluster;
let primary: ClusterServer;
let standby: ClusterServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  test.setTimeout(180_000);
  await onboard(request, [
    { ...APPROVER, roles: ["approver"] },
    { ...VIEWER, roles: ["viewer"] },
  ]);

  cluster = ReplicationCluster.create("e2e-topology", "e2e-cluster-secret");
  primary = await cluster.startPrimary("billing-a");
  // Discovery connects as a monitoring role, as the README tells people to; it reaches the standby by replication.
  await cluster.sql(primary, `CREATE ROLE ${MONITOR.role} LOGIN PASSWORD '${MONITOR.password}' IN ROLE pg_monitor`);
  standby = await cluster.startStandby("billing-b", primary);
  await cluster.streaming(primary, ["billing-b"]);
  // Made synchronous once it streams, so nothing above waited on it.
  await cluster.sql(primary, `ALTER SYSTEM SET synchronous_standby_names = '"billing-b"'`);
  await cluster.sql(primary, "SELECT pg_reload_conf()");
  await expect.poll(async () => (await cluster.sql<{ sync_state: string }>(primary, "SELECT sync_state FROM pg_stat_replication"))[0]?.sync_state, { timeout: 30_000 }).toBe("sync");
});

test.afterAll(async () => {
  await cluster?.stop();
});

const monitorUrl = (port: number) => `postgresql://${MONITOR.role}:${MONITOR.password}@127.0.0.1:${port}/postgres`;

async function openAddService(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Fleet" }).click();
  await page.getByRole("link", { name: "Add service" }).click();
  await expect(page).toHaveURL(/\/fleet\/add-service$/);
  await expect(page.getByRole("heading", { name: "Add a service" })).toBeVisible();
}

test("discovery's refusal names the field, the form works from the keyboard, and only admins may add a service", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await openAddService(page);
  const form = page.getByRole("form", { name: "Discover the cluster" });
  const primaryUrl = form.getByLabel("Primary's URL");

  // Keyboard only: type, tab through every field in order, submit with Enter.
  await primaryUrl.focus();
  await page.keyboard.type("not a url");
  for (const next of [form.getByLabel("Standbys' URLs (optional, one per line)"), form.getByLabel("Service id (optional)"), form.getByLabel("Display name (optional)"), form.getByRole("button", { name: "Discover" })]) {
    await page.keyboard.press("Tab");
    await expect(next).toBeFocused();
  }
  await page.keyboard.press("Enter");
  const refusal = form.getByRole("alert");
  await expect(refusal).toContainText("Discovery refused:");
  await expect(refusal).toContainText("must be a postgresql:// URL");
  await expect(refusal).toContainText("Field: primaryUrl");
  await expect(primaryUrl).toHaveAttribute("aria-invalid", "true");

  // A server that is not there: refused naming the field, and which server.
  const nobody = await freePort();
  await primaryUrl.fill(monitorUrl(nobody));
  await primaryUrl.press("Enter");
  await expect(refusal).toContainText(`primaryUrl: `);
  await expect(refusal).toContainText(`127.0.0.1:${nobody}`);
  await expect(refusal).toContainText("Field: primaryUrl");

  // A standby URL naming the primary is not a standby: the refusal names the line.
  await primaryUrl.fill(monitorUrl(primary.port));
  await form.getByLabel("Standbys' URLs (optional, one per line)").fill(monitorUrl(primary.port));
  await form.getByRole("button", { name: "Discover" }).click();
  await expect(refusal).toContainText("Field: standbyUrls.0");
  await expect(form.getByLabel("Standbys' URLs (optional, one per line)")).toHaveAttribute("aria-invalid", "true");
  await signOut(page);

  // Anyone else sees why they cannot, and can still read the topology.
  await signIn(page, VIEWER.email, VIEWER.password);
  await page.goto("/fleet/add-service");
  await expect(page.getByRole("heading", { name: "Only admins add services" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("needs the admin role (permission topology:manage)");
  await expect(page.getByRole("form", { name: "Discover the cluster" })).toHaveCount(0);
  await page.getByRole("main").getByRole("link", { name: "Topology" }).click();
  const documentText = page.getByLabel("Fleet document (YAML)");
  await expect(documentText).toHaveValue(/id: orders-db/);
  await expect(documentText).toHaveAttribute("readonly", "");
  await expect(page.getByRole("link", { name: "Download fleet.yaml" })).toHaveAttribute("href", "/api/v1/topology/export");
  await expect(page.getByRole("button", { name: "Plan", exact: true })).toHaveCount(0);
});

test("an admin adds a service through the console (discovery, review, submit), an approver approves it, the service appears on the fleet page", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await openAddService(page);

  const discover = page.getByRole("form", { name: "Discover the cluster" });
  await discover.getByLabel("Primary's URL").fill(monitorUrl(primary.port));
  await discover.getByLabel("Standbys' URLs (optional, one per line)").fill(monitorUrl(standby.port));
  await discover.getByLabel("Service id (optional)").fill("billing-db");
  await discover.getByLabel("Display name (optional)").fill("Billing database");
  await discover.getByRole("button", { name: "Discover" }).click();

  // What PostgreSQL told, and what it asks: nothing it cannot know is filled in.
  await expect(page.getByRole("heading", { name: "2. Answer and review" })).toBeFocused({ timeout: 20_000 });
  const questions = page.getByRole("list", { name: "Questions" });
  await expect(questions).toContainText(`What to call the primary at 127.0.0.1:${primary.port}`);
  await expect(questions).toContainText("Which region billing-b runs in");
  await expect(questions).toContainText("The service's datasets");
  const standbyGroup = page.getByRole("group", { name: "Standby billing-b" });
  await expect(standbyGroup.getByRole("definition").filter({ hasText: `127.0.0.1:${standby.port}` })).toBeVisible();
  await expect(standbyGroup).toContainText("sync (from the primary's synchronous_standby_names)");
  const primaryGroup = page.getByRole("group", { name: new RegExp(`^Primary at 127\\.0\\.0\\.1:${primary.port}$`) });
  await expect(primaryGroup.getByLabel("Region of the primary")).toHaveValue("");

  // Reviewing before answering says what is missing, at each field.
  await page.getByRole("button", { name: "Review the change" }).click();
  const summary = page.getByRole("alert").filter({ hasText: "attention before the change can be reviewed" });
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("choose the region the primary runs in");
  await expect(summary).toContainText("add the service's datasets, or say it has none");
  await expect(primaryGroup.getByLabel("Region of the primary")).toHaveAttribute("aria-invalid", "true");

  await primaryGroup.getByLabel("Name of the primary").fill("billing-a");
  await primaryGroup.getByLabel("Replication of the primary when it is a standby").selectOption("sync");
  await primaryGroup.getByLabel("Region of the primary").selectOption("aws:us-east-1");
  await standbyGroup.getByLabel("Region of billing-b").selectOption("aws:eu-west-1");
  // From the keyboard: adding a dataset puts the focus in its first field.
  await page.getByRole("button", { name: "Add a dataset" }).focus();
  await page.keyboard.press("Enter");
  const dataset = page.getByRole("group", { name: "Dataset 1" });
  await expect(dataset.getByLabel("Dataset name")).toBeFocused();
  await page.keyboard.type("invoices");
  await dataset.getByLabel("Owner team").fill("billing");
  await dataset.getByLabel("Consistency").selectOption("strong");
  await expect(dataset.getByLabel("RPO budget (seconds)")).toHaveValue("0");
  await dataset.getByLabel("RTO budget (seconds)").fill("120");
  await expect(summary).toHaveCount(0);

  // The plan: the readable diff, how it is applied and why; a change request by default.
  await page.getByRole("button", { name: "Review the change" }).click();
  await expect(page.getByRole("heading", { name: "What submitting does" })).toBeFocused();
  const servicePlan = page.getByRole("article", { name: "Plan for service:billing-db" });
  await expect(servicePlan).toContainText("change request");
  await expect(servicePlan).toContainText("needs 1 approval from approvers other than you");
  await expect(servicePlan).toContainText('approval "always" was asked');
  await expect(servicePlan.getByRole("list", { name: "Changes to service:billing-db" })).toContainText(
    `service billing-db added (postgresql, primary billing-a): replicas billing-a in aws:us-east-1 at 127.0.0.1:${primary.port}/postgres, sync, priority 100; billing-b in aws:eu-west-1 at 127.0.0.1:${standby.port}/postgres, sync, priority 100; datasets invoices (strong, owner billing, RPO 0 s, RTO 120 s)`,
  );
  await expect(page.getByRole("list", { name: "Notes" })).toContainText("the new service runs under the policy it inherits");
  const direct = page.getByLabel("Apply directly what the plan allows, without approval");
  await expect(direct).not.toBeChecked();

  await page.getByLabel("Reason (for the approvers and the audit trail)").fill(REASON);
  await page.getByRole("button", { name: "Submit for approval" }).click();
  const submitted = page.getByRole("status", { name: "Submitted" });
  await expect(submitted).toBeFocused();
  await expect(submitted.getByRole("list", { name: "Change requests opened" })).toContainText("needs 1 approval from approvers other than you");
  // Nothing is written before the approval.
  expect((await page.request.get("/api/v1/services/billing-db")).status()).toBe(404);

  await submitted.getByRole("link", { name: "Change request for service:billing-db" }).click();
  await expect(page).toHaveURL(/\/governance\/change-requests\/[^/]+$/);
  const requestUrl = page.url();
  await expect(page.getByRole("heading", { name: "Topology change to service:billing-db" })).toBeVisible();
  await expect(page.getByText("You requested this change")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await signOut(page);

  await signIn(page, APPROVER.email, APPROVER.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Governance" }).click();
  await page.getByRole("region", { name: "Change requests" }).getByRole("link", { name: REASON }).click();
  await expect(page).toHaveURL(requestUrl);
  await expect(page.getByRole("list", { name: "Changes" })).toContainText("service billing-db added");
  await expect(page.getByLabel("Approvals so far")).toHaveText("0 of 1");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("main").locator("header")).toContainText("applied");
  await expect(page.getByRole("list", { name: "Decisions" })).toContainText(`${APPROVER.email} approved`);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Fleet" }).click();
  const services = page.getByRole("region", { name: "Services", exact: true });
  await expect(services.getByRole("row", { name: /billing-db/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Topology: datasets, budgets and replicas" })).toContainText("Billing database");
});

test("an admin changes the topology on the Topology page: a broken document is refused naming the problem, a rename is applied directly when asked", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Topology" }).click();
  const editor = page.getByLabel("Fleet document (YAML)");
  await expect(editor).toHaveValue(/id: billing-db/);
  const live = await editor.inputValue();

  await editor.fill(`${live}\n  - oops: [`);
  await page.getByRole("button", { name: "Plan", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The document is not valid YAML" })).toBeVisible();
  await expect(editor).toHaveAttribute("aria-invalid", "true");

  await editor.fill(live.replace("name: Billing database", "name: Billing ledger"));
  await page.getByRole("button", { name: "Plan", exact: true }).click();
  const plan = page.getByRole("article", { name: "Plan for service:billing-db" });
  await expect(plan.getByRole("list", { name: "Changes to service:billing-db" })).toHaveText("service billing-db: name Billing database → Billing ledger");
  await expect(plan).toContainText("change request");
  await page.getByLabel("Apply directly what the plan allows, without approval").check();
  await expect(plan).toContainText("applied directly");
  await expect(plan).toContainText("nothing here alters what a failover does");
  await page.getByLabel("Reason (for the approvers and the audit trail)").fill("e2e: the team calls it the ledger");
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page.getByRole("status", { name: "Submitted" }).getByRole("list", { name: "Applied" })).toHaveText("service:billing-db");
  const service = (await (await page.request.get("/api/v1/services/billing-db")).json()) as { name: string };
  expect(service.name).toBe("Billing ledger");
});

test("an admin retires a region nothing lives in from the Regions page; it leaves the regions list; a viewer is not offered it", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // With the page's session cookie, so it says it comes from the console, as the console's own requests do.
  const created = await page.request.post("/api/v1/regions", {
    headers: { origin: new URL(page.url()).origin },
    data: { cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe", reason: "e2e: a region we will not use after all" },
  });
  expect(created.status()).toBe(200);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Regions" }).click();
  await page.getByRole("button", { name: "Retire a region…" }).click();
  const form = page.getByRole("form", { name: "Retire region" });
  // Only regions no active replica lives in are offered: the lab's three are not.
  await expect(form.getByLabel("Region").locator("option")).toHaveText(["azure:westeurope"]);
  await form.getByLabel("Reason (for the approvers and the audit trail)").fill("e2e: not needed");
  await form.getByRole("button", { name: "Retire azure:westeurope" }).click();
  await expect(page.getByRole("status", { name: "Submitted" }).getByRole("list", { name: "Applied" })).toHaveText("regions");
  const regions = (await (await page.request.get("/api/v1/regions")).json()) as { regions: { region: { id: string } }[] };
  expect(regions.regions.map((state) => state.region.id)).not.toContain("azure:westeurope");
  await signOut(page);

  await signIn(page, VIEWER.email, VIEWER.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Regions" }).click();
  await expect(page.getByRole("heading", { name: "Latency and reachability" }).or(page.getByText("No witness probes yet"))).toBeVisible();
  await expect(page.getByRole("button", { name: "Retire a region…" })).toHaveCount(0);
});

test("an admin revokes an agent from Settings → Agents and the row says so", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // Not one of the lab's agents, whose reports later specs watch: one registered for a replica
  // of billing-db, which the tests above onboarded and nothing else watches.
  const service = (await (await page.request.get("/api/v1/services/billing-db")).json()) as { replicas: { id: string; name: string }[] };
  const replica = service.replicas[0]!;
  const registered = await page.request.post("/api/v1/agents", { headers: { origin: new URL(page.url()).origin }, data: { replicaId: replica.id, name: "agent-to-revoke" } });
  expect(registered.status()).toBe(201);
  await page.goto("/settings/agents");
  const row = page.getByRole("row", { name: new RegExp(`billing-db/${replica.name}`) });
  await expect(row).toContainText("agent-to-revoke");
  await expect(row).not.toContainText("revoked");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: /^Revoke agent-/ }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: /^Revoke agent-/ })).toHaveCount(0);
});
