import { performance } from "node:perf_hooks";
import { WITNESS_VOUCH_WITHIN_MS } from "@/core/policy/budgets";
import { within } from "../pg-client";
import type { WitnessIdentity } from "../witness-identity";
import { rowsOf, type MariadbConnection } from "./client";
import { CLOCK_SQL, VOUCH_CALL_SQL, type ClockRow } from "./vouch-table";

/**
 * Tells the peer, a MariaDB primary, that this witness reached it, over the
 * probe's own connection (vouch-table.ts). As for PostgreSQL (agents/witness.ts),
 * the vouch holds only until WITNESS_VOUCH_WITHIN_MS after the probe
 * started: its end is set on the peer's clock, read after the probe started,
 * less the time already spent. A read-only peer is skipped (and the
 * procedure checks again). Returns false when the connection should go (its
 * answer may still be on its way); a peer whose schema or grant is missing
 * only leaves its lease to the control plane.
 */
export async function vouchForMariadb(connection: MariadbConnection, witness: WitnessIdentity, primary: string, startedAt: number): Promise<boolean> {
  const left = () => WITNESS_VOUCH_WITHIN_MS - (performance.now() - startedAt);
  try {
    const [clock] = await within(rowsOf<ClockRow>(connection, CLOCK_SQL, Math.max(1, left())), left(), `clock of ${primary}`);
    const remaining = left();
    if (!clock || Number(clock.read_only) === 1 || remaining <= 0) return true;
    const notAfterUs = Number(clock.now_us) + Math.floor(remaining * 1000);
    await within(rowsOf(connection, VOUCH_CALL_SQL, remaining, [witness.replica, witness.vouch(primary, notAfterUs), notAfterUs]), remaining, `vouch for ${primary}`);
    return true;
  } catch (error) {
    // A statement the server refused (no schema yet, no grant) leaves the session as it was; a timeout may not.
    const { sqlState, fatal } = error as { sqlState?: string; fatal?: boolean };
    return typeof sqlState === "string" && !fatal;
  }
}
