import type mysql from "mysql2/promise";

/**
 * mysql2 (with iconv-lite's code pages, half of what the agent would bundle)
 * is loaded on the first MariaDB connection. In the agent's bundle this
 * module is replaced (agents/build.ts, mysql2Packed): the driver travels
 * compressed inside the bundle and is evaluated on the first call, so an
 * agent of a PostgreSQL replica holds neither its code nor its source.
 */
export async function loadMysql(): Promise<typeof mysql> {
  return (await import("mysql2/promise")).default;
}
