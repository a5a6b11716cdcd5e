import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { createByAdmin, tokenOf, type Person } from "./support/accounts";
import { signIn, signOut } from "./support/session";

/**
 * The on-call journey on the lab, end to end: payments-db's primary is
 * killed; the automatic failover opens an incident; the first level of the
 * service's escalation policy is paged in Alertmanager's format; nobody
 * acknowledges, so after a minute the second level is paged in PagerDuty's
 * format; that person acknowledges, takes command, tells the public; the
 * status page shows it without sign-in; the incident is resolved and its
 * review draft holds the failover's rule and observed RTO. It kills a
 * primary, so it runs after every other browser test (playwright.config.ts).
 */
const SERVICE = "payments-db";
const FIRST: Person = { email: "first-responder@e2e.test", password: "first-responder-1", roles: ["operator"] };
const SECOND: Person = { email: "second-level@e2e.test", password: "second-level-pw-1", roles: ["operator"] };
const ROUTING_KEY = "E2EJOURNEYKEY";

interface Received {
  path: string;
  body: Record<string, unknown>;
}
const received: Received[] = [];
let receiver: Server;
let receiverUrl = "";

test.beforeAll(async ({ request }) => {
  await createByAdmin(request, FIRST);
  await createByAdmin(request, SECOND);
  receiver = createServer((incoming, outgoing) => {
    let body = "";
    incoming.on("data", (chunk) => (body += chunk));
    incoming.on("end", () => {
      received.push({ path: incoming.url ?? "", body: JSON.parse(body) as Record<string, unknown> });
      outgoing.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

/** A person's paging contact is theirs to set, from their own session. */
async function setPagingContact(page: Page, person: Person, contact: Record<string, string>): Promise<void> {
  await signIn(page, person.email, person.password);
  const saved = await page.request.post("/api/v1/account/paging-contact", { data: { timeZone: "Europe/Berlin", ...contact }, headers: { origin: new URL(page.url()).origin } });
  expect(saved.status(), await saved.text()).toBe(200);
  await signOut(page);
}

/** The lab's own CLI, as an operator runs it on the lab's host. */
async function lab(...args: string[]): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "lab/cli.ts", ...args], { env: { ...process.env, SWITCHYARD_DATA_DIR: process.env.E2E_DATA_DIR }, stdio: "inherit" });
  const [code] = (await once(child, "exit")) as [number | null];
  expect(code).toBe(0);
}

const pagesTo = (path: string) => received.filter((entry) => entry.path.startsWith(path));

test(`the on-call journey: ${SERVICE}'s primary is killed, an incident opens, the first level is paged, then the second, who acknowledges, commands, tells the public, resolves and reads the review`, async ({ page, browser, request }) => {
  test.setTimeout(600_000);
  await setPagingContact(page, FIRST, { format: "alertmanager", url: `${receiverUrl}/first` });
  await setPagingContact(page, SECOND, { format: "pagerduty", url: `${receiverUrl}/second`, routingKey: ROUTING_KEY });

  const operate = { authorization: `Bearer ${await tokenOf(request, SECOND, ["read", "operate"])}` };
  const created = await request.post("/api/v1/escalation-policies", {
    headers: operate,
    data: {
      name: "e2e on-call journey",
      levels: [
        { timeoutMinutes: 1, targets: [{ type: "user", email: FIRST.email }] },
        { timeoutMinutes: 1, targets: [{ type: "user", email: SECOND.email }] },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id: policyId } = (await created.json()) as { id: string };
  expect((await request.post(`/api/v1/services/${SERVICE}/escalation-policy`, { headers: operate, data: { policyId } })).status()).toBe(200);

  const fleet = (await (await request.get("/api/v1/fleet", { headers: operate })).json()) as { services: { id: string; writeReplicaName: string | null }[] };
  const primary = fleet.services.find((service) => service.id === SERVICE)!.writeReplicaName!;
  await lab("kill", primary);

  // The automatic failover opens the incident; the primary's critical alert joins it once its window passes.
  let incidentId = "";
  await expect
    .poll(
      async () => {
        const listed = (await (await request.get(`/api/v1/incidents?serviceId=${SERVICE}&open=true`, { headers: operate })).json()) as { incidents: { id: string }[] };
        incidentId = listed.incidents[0]?.id ?? "";
        return incidentId;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .not.toBe("");

  // Level one: Alertmanager's webhook JSON at the first responder's receiver.
  await expect.poll(() => pagesTo("/first").length, { timeout: 150_000, intervals: [2_000] }).toBeGreaterThan(0);
  const alertmanager = pagesTo("/first")[0]!.body;
  expect(alertmanager).toMatchObject({ version: "4", status: "firing", groupLabels: { service: SERVICE } });
  expect(pagesTo("/second")).toEqual([]);

  // Nobody acknowledges: a minute later, level two, as a PagerDuty Events v2 trigger.
  await expect.poll(() => pagesTo("/second").length, { timeout: 150_000, intervals: [2_000] }).toBeGreaterThan(0);
  const pagerDuty = pagesTo("/second")[0]!.body;
  expect(pagerDuty).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger", payload: { severity: "critical" } });
  const alerts = (await (await request.get(`/api/v1/alerts?state=firing&serviceId=${SERVICE}`, { headers: operate })).json()) as { alerts: { id: string; severity: string }[] };
  const paged = alerts.alerts.find((alert) => alert.severity === "critical")!;
  expect((await request.post(`/api/v1/alerts/${paged.id}/acknowledge`, { headers: operate, data: { note: "on it" } })).status()).toBe(200);

  // The second level takes command in the console and tells the public.
  await signIn(page, SECOND.email, SECOND.password);
  await page.goto(`/incidents/${incidentId}`);
  const roles = page.getByRole("region", { name: "Roles" });
  await roles.getByLabel("Commander (email)").fill(SECOND.email);
  await roles.getByLabel("Commander (email)").press("Enter");
  await expect(roles.getByText(`Commander: ${SECOND.email}`)).toBeVisible();
  const updates = page.getByRole("region", { name: "Status updates" });
  await updates.getByLabel("Status", { exact: true }).selectOption("identified");
  await updates.getByLabel("Note (required)").fill(`${primary} was killed; the automation failed over`);
  await updates.getByLabel("Public title (needed with the first public note)").fill("Payments were briefly refused");
  await updates.getByLabel("Public note", { exact: true }).fill("Payments failed for a few seconds while we switched to a standby database. They work again.");
  await updates.getByRole("button", { name: "Post update" }).click();
  await expect(updates.getByText("On the status page: “Payments failed for a few seconds")).toBeVisible();

  // The public reads it without signing in, with no internal name.
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto("/status");
  const current = visitor.getByRole("region", { name: "Current incidents" });
  await expect(current).toContainText("Payments were briefly refused");
  await expect(current).toContainText("Payments failed for a few seconds while we switched to a standby database.");
  await expect(visitor.locator("body")).not.toContainText(primary);
  await stranger.close();

  // Resolved, and its review written from the record: the failover's rule and its observed RTO.
  await updates.getByLabel("Status", { exact: true }).selectOption("resolved");
  await updates.getByLabel("Note (required)").fill("the new primary takes every write; the old one stays down for a rebuild");
  await updates.getByRole("button", { name: "Post update" }).click();
  await expect(updates.getByText("The incident is resolved: it takes no more status updates")).toBeVisible();
  await page.getByRole("link", { name: /Post-incident review/ }).click();
  await page.getByRole("button", { name: "Write the draft from the record" }).click();
  const editor = page.getByLabel("Review in Markdown");
  await expect(editor).toHaveValue(/### Run \S+ \(unplanned-failover, automatic\) on payments-db/);
  await expect(editor).toHaveValue(/- Observed RTO: \d/);
  await expect(editor).toHaveValue(/## What the automation did and why\n+- .*: rule `[a-z-]+` — \S/);
});
