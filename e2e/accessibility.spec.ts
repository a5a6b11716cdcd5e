import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { createByAdmin, tokenOf } from "./support/accounts";
import { ADMIN, signIn } from "./support/session";

/** Every page of the console, and the public ones, as a person reaches them. */
const CONSOLE_PAGES = [
  "/fleet",
  "/services/orders-db",
  "/regions",
  "/topology",
  "/alerts",
  "/incidents",
  "/oncall",
  "/runbooks",
  "/drills",
  "/plans",
  "/governance",
  "/audit",
  "/settings/users",
  "/settings/tokens",
  "/settings/agents",
  "/settings/status-page",
  "/settings/account",
];
const PUBLIC_PAGES = ["/signin", "/status"];

/** The pages of one record each, created through the API before the audit (beforeAll) and wound down after it. */
const RECORD_PAGES: string[] = [];

// payments-db: no other browser test moves it, and its drill waits at its manual step before changing anything.
const OPERATOR = { email: "a11y-operator@e2e.test", password: "a11y-operator-password-1", roles: ["operator"] };
const SERVICE = "payments-db";
let operatorToken = "";
let runId = "";
let incidentId = "";

async function post(request: APIRequestContext, token: string, path: string, data: unknown): Promise<Record<string, unknown>> {
  const response = await request.post(path, { headers: { authorization: `Bearer ${token}` }, data });
  expect(response.status(), `${path}: ${await response.text()}`).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

async function get(request: APIRequestContext, token: string, path: string): Promise<Record<string, unknown>> {
  const response = await request.get(path, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(180_000);
  await createByAdmin(request, OPERATOR);
  operatorToken = await tokenOf(request, OPERATOR, ["operate"]);
  const adminToken = await tokenOf(request, ADMIN);

  // A drill, whose run pre-checks and then waits for a person at "Confirm the switchover": once
  // every replica reports healthy (this spec runs first, as the lab comes up), to the sync standby.
  type Replica = { role: string; replication: string; regionId: string; live: { health: string } };
  const replicas = async () => ((await get(request, operatorToken, `/api/v1/services/${SERVICE}`)) as { replicas: Replica[] }).replicas;
  await expect.poll(async () => (await replicas()).map((replica) => replica.live.health), { timeout: 120_000 }).toEqual(["healthy", "healthy", "healthy"]);
  const standby = (await replicas()).find((replica) => replica.role === "standby" && replica.replication === "sync")!;
  const drill = await post(request, operatorToken, "/api/v1/drills", { params: { service: SERVICE, to_region: standby.regionId, reason: "e2e: accessibility audit of the drill and run pages" } });
  runId = String(drill.runId);
  const confirmStep = async () => {
    const run = (await get(request, operatorToken, `/api/v1/runs/${runId}`)) as { status: string; error: string | null; steps: { stepId: string; state: string }[] };
    return run.status === "failed" ? `run failed: ${run.error}` : run.steps.find((step) => step.stepId === "confirm")?.state;
  };
  await expect.poll(confirmStep, { timeout: 120_000 }).toBe("waiting");

  const incident = await post(request, operatorToken, "/api/v1/incidents", { serviceIds: [SERVICE], title: "e2e: accessibility audit of the incident page", note: "declared by the accessibility test" });
  incidentId = String(incident.id);

  const versions = (await get(request, adminToken, `/api/v1/policies/service:${SERVICE}/versions`)) as { versions: { current: boolean; document: { alerts: { forSeconds: number } } }[] };
  const document = versions.versions.find((version) => version.current)!.document;
  document.alerts.forSeconds += 1;
  const change = await post(request, adminToken, "/api/v1/change-requests", { serviceId: SERVICE, document, reason: "e2e: accessibility audit of the change request page" });

  RECORD_PAGES.push(`/drills/${String(drill.id)}`, `/runs/${runId}`, `/incidents/${incidentId}`, `/governance/change-requests/${String(change.id)}`);
});

test.afterAll(async ({ request }) => {
  const run = runId ? ((await get(request, operatorToken, `/api/v1/runs/${runId}`)) as { finishedAt: string | null }) : null;
  if (run && run.finishedAt === null) await post(request, operatorToken, `/api/v1/runs/${runId}/abort`, { reason: "e2e: accessibility audit done" });
  if (incidentId) await post(request, operatorToken, `/api/v1/incidents/${incidentId}/status`, { status: "resolved", note: "e2e: accessibility audit done" });
});

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Console errors and failed loads, from the moment the page is watched. */
function watch(page: Page, viewport: string): string[] {
  const problems: string[] = [];
  const where = () => `${viewport} ${new URL(page.url()).pathname}`;
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${where()}: console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`${where()}: page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${where()}: ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/** axe-core's serious and critical violations of WCAG 2.1 A and AA, one line each, and a screenshot in the report of a page with any. */
async function audit(page: Page, path: string, viewport: string, testInfo: TestInfo): Promise<string[]> {
  await page.goto(path);
  await expect(page.locator("main").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const over = document.documentElement.scrollWidth - width;
    if (over <= 1) return null;
    // The outermost elements that stick out, to say what to fix.
    const sticksOut = (element: Element | null) => element !== null && element.getBoundingClientRect().right > width + 1;
    const scrolls = (element: Element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);
    const inScroller = (element: Element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) if (scrolls(parent)) return true;
      return false;
    };
    const culprits = [...document.querySelectorAll("main *")]
      .filter((element) => sticksOut(element) && !sticksOut(element.parentElement) && !inScroller(element))
      .slice(0, 3)
      .map((element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? `.${element.className.split(" ").join(".")}` : ""}`);
    return { over, culprits };
  });
  const found = [
    ...serious.map((violation) => `${viewport} ${path}: ${violation.id} (${violation.impact}) — ${violation.help}: ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`),
    ...(overflow ? [`${viewport} ${path}: the page is ${overflow.over}px wider than the screen (${overflow.culprits.join(", ")})`] : []),
  ];
  // A full-page screenshot of every page took about a tenth of the sweep (1.5 → 1.3 min at desktop width): kept for the pages that need looking at.
  if (found.length > 0) await testInfo.attach(`${viewport} ${path}`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  return found;
}

for (const viewport of VIEWPORTS) {
  test(`every page at ${viewport.name} width has no serious or critical accessibility violation, no console error and no failed request`, async ({ browser }, testInfo) => {
    test.setTimeout(300_000);
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    const problems = watch(page, viewport.name);
    const found: string[] = [];
    for (const path of PUBLIC_PAGES) found.push(...(await audit(page, path, viewport.name, testInfo)));
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const path of [...CONSOLE_PAGES, ...RECORD_PAGES]) found.push(...(await audit(page, path, viewport.name, testInfo)));
    await context.close();
    expect([...found, ...problems]).toEqual([]);
  });
}
