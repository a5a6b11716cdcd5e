import type { ReplicationConfig } from "../config";

/**
 * A libpq connection string for primary_conninfo. Every value is quoted, with
 * backslashes and quotes escaped as libpq reads them, so a password (or a
 * host) holding spaces, quotes or `key=value` text stays one value and cannot
 * add parameters of its own.
 */
export function primaryConninfo(target: { host: string; port: number }, replication: ReplicationConfig, applicationName: string): string {
  const pairs: [string, string][] = [
    ["host", target.host],
    ["port", String(target.port)],
    ["user", replication.user],
    ["password", replication.password],
    ["application_name", applicationName],
  ];
  return pairs.map(([key, value]) => `${key}=${conninfoValue(value)}`).join(" ");
}

/** A libpq connection-string value, quoted and escaped. */
export function conninfoValue(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
