import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { sessionsAccess } from "./sessions-db";

/** How long one ask may take: a frozen or dead server counts as not taking writes. */
const ASK_TIMEOUT_MS = 1_000;

/**
 * Whether a sessions-db server takes writes now, asked directly as the lab's
 * admin: not read-only and replicating from nobody. For samplers that stand
 * for the truth (never two writable primaries), not for a region.
 */
export async function sessionsTakesWrites(dataDir: string, name: string): Promise<boolean> {
  try {
    const connection = await connectMariadb(sessionsAccess(dataDir).url(name, "admin").replace(/\/[^/]*$/, "/"), ASK_TIMEOUT_MS);
    try {
      const [row] = await rowsOf<{ ro: string | number }>(connection, "SELECT @@read_only AS ro", ASK_TIMEOUT_MS);
      const replicating = await rowsOf(connection, "SHOW ALL SLAVES STATUS", ASK_TIMEOUT_MS);
      return Number(row?.ro) === 0 && replicating.length === 0;
    } finally {
      await closeMariadb(connection);
    }
  } catch {
    return false;
  }
}
