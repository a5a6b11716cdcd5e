import { SSL_MODES, type ParsedServerUrl, type SslMode } from "./server-url";

/**
 * A URL a person gives discovery for one MariaDB server
 * (`mariadb://user:password@host:port/database`, `mysql://` alike), narrowed
 * as a PostgreSQL one is: one TCP host, a port, a user, its password, a
 * database, and sslmode with the same meanings.
 */

const DEFAULT_PORT = 3306;

export const isMariadbUrl = (text: string) => /^(mariadb|mysql):\/\//i.test(text.trim());

const refuse = (problem: string): ParsedServerUrl => ({ ok: false, problem });

export function parseMariadbServerUrl(text: string): ParsedServerUrl {
  if (!isMariadbUrl(text)) return refuse("must be a mariadb:// URL, e.g. mariadb://switchyard_discovery:secret@db1.example.com:3306/sessions");
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refuse("is not a valid URL (percent-encode any @, : or / in the password)");
  }
  const unsupported = [...url.searchParams.keys()].filter((key) => key !== "sslmode");
  if (unsupported.length) return refuse(`parameter ${unsupported.join(", ")} is not supported here; only sslmode is`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) return refuse("must name the server's host");
  if (url.port && (Number(url.port) < 1 || Number(url.port) > 65_535)) return refuse("must have a port from 1 to 65535");
  const user = decodeURIComponent(url.username);
  if (!user) return refuse("must name the user to connect as, e.g. mariadb://switchyard_discovery@db1.example.com/sessions");
  const path = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (path.includes("/")) return refuse("must name at most one database after the host");
  const sslmode = url.searchParams.get("sslmode") ?? "disable";
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) return refuse(`sslmode must be one of ${SSL_MODES.join(", ")}`);
  return {
    ok: true,
    target: {
      host,
      port: url.port ? Number(url.port) : DEFAULT_PORT,
      database: path || null,
      user,
      password: url.password ? decodeURIComponent(url.password) : null,
      sslmode: sslmode as SslMode,
    },
  };
}
