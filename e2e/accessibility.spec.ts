import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
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

/** axe-core's serious and critical violations of WCAG 2.1 A and AA, one line each, and a screenshot in the report. */
async function audit(page: Page, path: string, viewport: string, testInfo: TestInfo): Promise<string[]> {
  await page.goto(path);
  await expect(page.locator("main").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await testInfo.attach(`${viewport} ${path}`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
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
  return [
    ...serious.map((violation) => `${viewport} ${path}: ${violation.id} (${violation.impact}) — ${violation.help}: ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`),
    ...(overflow ? [`${viewport} ${path}: the page is ${overflow.over}px wider than the screen (${overflow.culprits.join(", ")})`] : []),
  ];
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
    for (const path of CONSOLE_PAGES) found.push(...(await audit(page, path, viewport.name, testInfo)));
    await context.close();
    expect([...found, ...problems]).toEqual([]);
  });
}
