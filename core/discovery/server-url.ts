import { isConninfoUri, parseConninfo } from "./conninfo";

/**
 * A URL a person gives discovery for one PostgreSQL server, read by libpq's
 * rules and narrowed to what discovery uses: one TCP host, a port, a role,
 * its password and a database. The proposal takes the host, port and
 * database from it, never the credentials.
 */
export interface ServerTarget {
  host: string;
  port: number;
  /** null when the URL names none (libpq would use the role's name). */
  database: string | null;
  user: string;
  password: string | null;
  sslmode: SslMode;
}

/**
 * prefer and allow are left out on purpose: they fall back to plain text
 * without saying so, and discovery does not change the transport behind a
 * person's back. Without sslmode the connection is plain text, as
 * sslmode=disable.
 */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

const DEFAULT_PORT = 5432;
const ALLOWED_KEYS = new Set(["host", "port", "dbname", "user", "password", "sslmode"]);

export type ParsedServerUrl = { ok: true; target: ServerTarget } | { ok: false; problem: string };

const refuse = (problem: string): ParsedServerUrl => ({ ok: false, problem });

export function parseServerUrl(text: string): ParsedServerUrl {
  if (!isConninfoUri(text)) return refuse("must be a postgresql:// URL, e.g. postgresql://monitor:secret@db1.example.com:5432/orders");
  const parsed = parseConninfo(text);
  if (!parsed.ok) return refuse(parsed.error);
  const options = parsed.options;
  const unsupported = [...options.keys()].filter((key) => !ALLOWED_KEYS.has(key));
  if (unsupported.length) return refuse(`parameter ${unsupported.join(", ")} is not supported here; only sslmode is`);

  const host = options.get("host") ?? "";
  if (!host) return refuse("must name the server's host");
  if (host.includes(",")) return refuse("must name one server, not a list of hosts");
  if (host.startsWith("/") || host.startsWith("@")) return refuse("must name a TCP host, not a Unix socket: other regions reach the server over the network");

  const portText = options.get("port") || String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) return refuse("must have a port from 1 to 65535");

  const user = options.get("user");
  if (!user) return refuse("must name the role to connect as, e.g. postgresql://monitor@db1.example.com/orders");

  const sslmode = options.get("sslmode") ?? "disable";
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) return refuse(`sslmode must be one of ${SSL_MODES.join(", ")}`);

  return {
    ok: true,
    target: {
      host,
      port: Number(portText),
      database: options.get("dbname") ?? null,
      user,
      password: options.get("password") ?? null,
      sslmode: sslmode as SslMode,
    },
  };
}

/** `host:port`, with an IPv6 address in brackets: how messages and the audit trail name a server. */
export function endpointLabel(endpoint: { host: string; port: number }): string {
  return `${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}
