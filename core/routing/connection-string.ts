/** A replica a client may connect to. */
export interface ConnectionHost {
  host: string;
  port: number;
}

/** An IPv6 literal goes in brackets, as libpq's URI syntax wants it. */
const hostPart = ({ host, port }: ConnectionHost) => `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;

/**
 * A libpq multi-host connection URI: libpq (and the drivers built on it, or
 * that copy its syntax: pgJDBC, Npgsql, node-postgres' pg-connection-string
 * with libpq compatibility) tries the hosts in order and keeps the first whose
 * session matches `target_session_attrs`, so a client given `read-write`
 * finds the new primary after a failover by itself (`read-write`: the host
 * that accepts writes). No credentials: they are
 * the client's own.
 */
export function readWriteConnectionString(hosts: readonly ConnectionHost[], databaseName: string): string | null {
  if (!hosts.length) return null;
  return `postgresql://${hosts.map(hostPart).join(",")}/${encodeURIComponent(databaseName)}?target_session_attrs=read-write`;
}
