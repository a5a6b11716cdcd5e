import "server-only";
import { storeRoleRisks, type StoreRoleRisk } from "@/core/store/store-role-risks";
import { sqlPool } from "../db/sql-pool";
import { readStoreRoleFacts } from "./store-role-facts";

const RECHECK_MS = 60_000;

const globalForRisks = globalThis as unknown as { switchyardStoreRoleRisks?: { at: number; risks: StoreRoleRisk[] } };

/**
 * What the role this control plane connects as may do beyond what the
 * product needs, for the fleet page's banner. Checked again each minute, so
 * an operator who narrows the role sees the banner go without a restart; a
 * check that fails shows nothing rather than failing the page.
 */
export async function storeRoleWarnings(now = Date.now()): Promise<StoreRoleRisk[]> {
  const cached = globalForRisks.switchyardStoreRoleRisks;
  if (cached && now - cached.at < RECHECK_MS) return cached.risks;
  try {
    const risks = storeRoleRisks(await readStoreRoleFacts(sqlPool()));
    globalForRisks.switchyardStoreRoleRisks = { at: now, risks };
    return risks;
  } catch {
    return cached?.risks ?? [];
  }
}
