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

/**
 * Where this replica's region reaches the server a command names: the
 * address `replication.via` lists for it (a proxy or tunnel between
 * regions), else that address itself. The control plane names servers as
 * its store knows them, which need not be how every region reaches them.
 */
export function primaryAddress(target: { host: string; port: number }, replication: ReplicationConfig): { host: string; port: number } {
  const key = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  const routed = replication.via?.[key];
  if (!routed) return { host: target.host, port: target.port };
  const colon = routed.lastIndexOf(":");
  return { host: routed.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(routed.slice(colon + 1)) };
}

/** A libpq connection-string value, quoted and escaped. */
export function conninfoValue(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
