import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page, type Request } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";
import { tokenOf } from "./support/accounts";

/**
 * The console under its Content-Security-Policy in a real Chromium: every
 * page renders and works with no violation reported, the policy and the
 * other security headers are on the answers, an injected inline script is
 * blocked, and changes riding on the session cookie from another page
 * (another port of this host, which the cookie still reaches) are refused,
 * whether posted by another page or replayed from a console form's own request.
 */

declare global {
  interface Window {
    __violations: string[];
    __injected?: boolean;
  }
}

const CONSOLE_PAGES = [
  "/fleet",
  "/services/orders-db",
  "/regions",
  "/alerts",
  "/topology",
  "/fleet/add-service",
  "/runbooks",
  "/governance",
  "/audit",
  "/settings/tokens",
  "/settings/users",
  "/settings/agents",
];

/** Records every CSP violation the documents report, and every console message about one. */
async function watchViolations(page: Page): Promise<string[]> {
  const messages: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(message.text())) messages.push(message.text());
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return messages;
}

const violationsIn = (page: Page) => page.evaluate(() => window.__violations);

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

test("every console page works under the Content-Security-Policy, with no violation", async ({ page }) => {
  const messages = await watchViolations(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  expect(await violationsIn(page)).toEqual([]);
  for (const path of CONSOLE_PAGES) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first(), path).toBeVisible();
    // Long enough for client components, charts and the first polls to run.
    await page.waitForTimeout(1_500);
    expect(await violationsIn(page), path).toEqual([]);
  }
  // Client-side navigation runs the router's scripts.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Regions" }).click();
  await expect(page).toHaveURL(/\/regions$/);
  await expect(page.getByRole("heading", { level: 1 }).first()).toHaveText(/Regions/);
  expect(await violationsIn(page)).toEqual([]);
  expect(messages).toEqual([]);
});

test("pages carry a nonce policy and the other security headers; the API a run-nothing policy", async ({ page, request }) => {
  const signInPage = await page.goto("/signin");
  const headers = signInPage!.headers();
  const policy = directives(headers["content-security-policy"] ?? "");
  const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(policy.get("script-src")?.find((source) => source.startsWith("'nonce-")) ?? "")?.[1];
  expect(nonce, "a nonce in script-src").toBeTruthy();
  expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  expect(policy.get("script-src")).not.toContain("'unsafe-eval'");
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");
  // Served over http here: no HSTS, which only an https answer may carry.
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Next.js put the response's nonce on its scripts, and every script has it.
  const scripts = await page.locator("script").evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(new Set(scripts)).toEqual(new Set([nonce]));

  // A fresh nonce per response.
  const again = directives((await request.get("/signin")).headers()["content-security-policy"] ?? "");
  expect(again.get("script-src")).not.toEqual(policy.get("script-src"));

  const api = await request.get("/api/v1/services");
  expect(api.headers()["content-security-policy"]).toMatch(/default-src 'none'/);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("an inline script injected into a page is blocked and reported", async ({ page }) => {
  await watchViolations(page);
  await page.route("**/signin", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace("</body>", "<script>window.__injected = true</script></body>");
    await route.fulfill({ response, body });
  });
  await page.goto("/signin");
  await expect.poll(() => violationsIn(page)).toEqual([expect.stringMatching(/^script-src-elem blocked inline/)]);
  expect(await page.evaluate(() => window.__injected)).toBeUndefined();
});

/** A page on another port of this host: the same site, so the browser sends the console's cookies to it. */
async function otherSite(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const OPERATOR = { email: "cross-site-operator@e2e.test", password: "cross-site-operator-password-1" };

test("a form on another page of this host cannot end a pause with the signed-in person's cookie", async ({ page, request, baseURL }) => {
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${await tokenOf(request, ADMIN, ["admin"])}` },
    data: { email: OPERATOR.email, password: OPERATOR.password, roles: ["operator"] },
  });
  expect([201, 409]).toContain(created.status());
  const authorization = `Bearer ${await tokenOf(request, OPERATOR, ["operate"])}`;
  const paused = await request.post("/api/v1/automation/pauses", {
    headers: { authorization },
    data: { scope: "orders-db", reason: "e2e: cross-site form target", expiresAt: new Date(Date.now() + 10 * 60_000).toISOString() },
  });
  expect(paused.status()).toBe(201);
  const pause = (await paused.json()) as { id: string };
  const evil = await otherSite(`<form method="post" action="${baseURL}/api/v1/automation/pauses/${pause.id}/end"></form><script>document.forms[0].submit()</script>`);
  try {
    await signIn(page, OPERATOR.email, OPERATOR.password);
    const posted = page.waitForRequest((sent: Request) => sent.url().endsWith(`/pauses/${pause.id}/end`));
    await page.goto(evil.url);
    const sent = await posted;
    // The browser did send the session cookie along: only the Origin check stands in the way.
    expect((await sent.allHeaders()).cookie).toMatch(/next-auth\.session-token=/);
    const answer = await (await sent.response())!.json();
    expect(answer.error.message).toMatch(/^Refused a change authenticated only by the session cookie/);
    const pauses = (await (await request.get("/api/v1/automation/pauses", { headers: { authorization } })).json()) as { active: { id: string }[] };
    expect(pauses.active.map((active) => active.id)).toContain(pause.id);
  } finally {
    await evil.close();
    await request.post(`/api/v1/automation/pauses/${pause.id}/end`, { headers: { authorization } });
  }
});

test("a console form's request replayed from another origin is refused; from the console it works", async ({ page, request }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/tokens");
  const created = page.waitForRequest((sent) => sent.method() === "POST" && sent.url().endsWith("/api/v1/auth/tokens/own"));
  await page.getByLabel("Name").fill("e2e console form");
  await page.getByRole("button", { name: /Create token/ }).click();
  const sent = await created;
  // The console's own request rides on the session cookie alone, as a forged one would.
  expect((await sent.allHeaders()).authorization).toBeUndefined();
  const replay = async (origin: string | null) =>
    (await page.request.post(sent.url(), { headers: { "content-type": "application/json", ...(origin ? { origin } : {}) }, data: sent.postData() ?? "" })).status();
  const token = await tokenOf(request, ADMIN, ["read"]);
  const named = async () => {
    const listed = (await (await request.get("/api/v1/auth/tokens", { headers: { authorization: `Bearer ${token}` } })).json()) as { tokens: { name: string }[] };
    return listed.tokens.filter((listedToken) => listedToken.name === "e2e console form").length;
  };
  await expect.poll(named).toBe(1);
  expect(await replay("http://evil.example")).toBe(403);
  expect(await replay("http://127.0.0.1:1")).toBe(403);
  // Without an Origin (nor Sec-Fetch-Site) a request says nothing of where it comes from: refused too.
  expect(await replay(null)).toBe(403);
  expect(await named()).toBe(1);
  // The control: the same replay from the console's own origin does create a token.
  expect(await replay(new URL(sent.url()).origin)).toBe(201);
  expect(await named()).toBe(2);
});
