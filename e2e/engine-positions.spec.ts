import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN, signIn } from "./support/session";

const GTID_POSITION = /^\d+-\d+-\d+(,\d+-\d+-\d+)*$/;
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;

/** The replica table's row of the primary and of a standby, and the cells of their positions (after Health, Role and Timeline). */
function rows(page: Page) {
  const table = page.getByTestId("replica-table");
  const primary = table.locator("tbody tr").filter({ has: page.getByRole("cell", { name: /^primary$/ }) });
  const standby = table.locator("tbody tr").filter({ hasNot: page.getByRole("cell", { name: /^primary$/ }) }).first();
  const position = (row: Locator, column: "current" | "received" | "replayed") => row.locator("td").nth({ current: 3, received: 4, replayed: 5 }[column]);
  return { table, primary, standby, position };
}

test("the replica table shows sessions-db's positions as MariaDB GTIDs where it shows orders-db's as PostgreSQL LSNs", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);

  await page.goto("/services/orders-db");
  const orders = rows(page);
  await expect(orders.table.getByRole("columnheader", { name: "Current LSN" })).toBeVisible();
  // The lab's agents report once the control plane answers them (slower on a loaded machine).
  await expect(orders.position(orders.primary, "current")).toHaveText(LSN, { timeout: 90_000 });
  await expect(orders.position(orders.standby, "replayed")).toHaveText(LSN, { timeout: 90_000 });

  await page.goto("/services/sessions-db");
  const sessions = rows(page);
  await expect(sessions.table.getByRole("columnheader", { name: "Current GTID" })).toBeVisible();
  await expect(sessions.table.getByRole("columnheader", { name: "Replayed GTID" })).toBeVisible();
  await expect(sessions.position(sessions.primary, "current")).toHaveText(GTID_POSITION, { timeout: 90_000 });
  await expect(sessions.position(sessions.standby, "received")).toHaveText(GTID_POSITION, { timeout: 90_000 });
  await expect(sessions.position(sessions.standby, "replayed")).toHaveText(GTID_POSITION);
});
