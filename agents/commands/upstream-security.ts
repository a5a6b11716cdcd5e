import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { connectBackstopMs } from "../pg-client";

/**
 * How the agent's connections to a primary (the base backup, pg_rewind, the
 * timeline history, primary_conninfo) protect the replication password:
 * TLS, verified against a CA pinned in the agent's config rather than the
 * host's trust store, and never a password sent in clear text.
 *
 * `sslMode` is libpq's: `verify-full` checks the certificate chains to
 * `sslRootCert` and names the host connected to; `verify-ca` only the chain;
 * `require` encrypts without checking who answers. Unset, nothing changes
 * from before (libpq's default, `prefer`, for the server's connections; none
 * for the agent's own), which is what a lab on one machine wants and
 * production does not.
 */
export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface UpstreamTls {
  sslMode?: SslMode;
  /** PEM file of the CA the primary's certificate must chain to. */
  sslRootCert?: string;
}

/** libpq refuses cleartext password authentication (require_auth), and can skip client certificates (sslcertmode), from PostgreSQL 16's client library on. */
export const REQUIRE_AUTH_SINCE_MAJOR = 16;

/**
 * The libpq keywords that carry the above, for a conninfo read by a libpq of
 * major version `libpqMajor` (the server's own for primary_conninfo, the
 * binary's for pg_rewind). `require_auth=!password` refuses a server that
 * asks for the password in clear text, allowing SCRAM, MD5 or none; libpq
 * before 16 does not know it (and would refuse the whole conninfo), so
 * there TLS with verify-full is what keeps the password from a stranger.
 */
export function libpqSecurity(tls: UpstreamTls, libpqMajor: number): (readonly [string, string])[] {
  const since16 = libpqMajor >= REQUIRE_AUTH_SINCE_MAJOR;
  return [
    ...(tls.sslMode ? [["sslmode", tls.sslMode] as const] : []),
    ...(tls.sslRootCert ? [["sslrootcert", path.resolve(tls.sslRootCert)] as const] : []),
    // The password authenticates, not a client certificate: libpq need not look for one in the home folder of whoever runs it.
    ...(since16 && tls.sslMode && tls.sslMode !== "disable" ? [["sslcertmode", "disable"] as const] : []),
    ...(since16 ? [["require_auth", "!password"] as const] : []),
  ];
}

function pinnedCa(tls: UpstreamTls): string {
  try {
    return readFileSync(tls.sslRootCert!, "utf8");
  } catch (error) {
    throw new Error(`replication.sslRootCert ${tls.sslRootCert}: ${(error as Error).message}`);
  }
}

/** node-postgres's `ssl` for the same settings (it has no `prefer`: that stays without TLS, as before). */
export function nodePostgresSsl(tls: UpstreamTls): pg.ClientConfig["ssl"] {
  switch (tls.sslMode) {
    case undefined:
    case "disable":
    case "prefer":
      return false;
    case "require":
      // As libpq: with a root certificate, require checks the chain (verify-ca).
      return tls.sslRootCert ? { ca: pinnedCa(tls), checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case "verify-ca":
      return { ca: pinnedCa(tls), checkServerIdentity: () => undefined };
    case "verify-full":
      // node-postgres hands tls.connect the host it dialled, whose name (or IP) the certificate must carry.
      return { ca: pinnedCa(tls) };
  }
}

/**
 * A node-postgres client that never answers a request for the password in
 * clear text (AuthenticationCleartextPassword): such a request comes from a
 * misconfigured primary (pg_hba `password`) or from whoever sits between us
 * and it, and either way the password would cross the network readable.
 * node-postgres has no option for this; the method it dispatches that
 * request to is replaced.
 */
export class NoCleartextPasswordClient extends pg.Client {
  constructor(
    config: pg.ClientConfig,
    private readonly what: string,
  ) {
    super(config);
  }

  /** Called by pg.Client for AuthenticationCleartextPassword (lib/client.js). */
  _handleAuthCleartextPassword(): void {
    const connection = (this as unknown as { connection: { emit(event: string, error: Error): void; stream: { destroy(): void } } }).connection;
    connection.emit(
      "error",
      new Error(`${this.what} asked for the password in clear text, which the agent refuses (pg_hba.conf must use scram-sha-256 for the replication user)`),
    );
    connection.stream.destroy();
  }
}

export interface Upstream {
  host: string;
  port: number;
  user: string;
  password: string;
  tls?: UpstreamTls;
}

/** How long a connect to the primary may take: a command's own timeout may be a base backup's hours. */
export function upstreamConnectMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 30_000);
}

/** A client for the primary at `upstream`, over TLS as configured and refusing a cleartext password request; connect it with connectWithin(client, upstreamConnectMs(timeoutMs), …). */
export function upstreamClient(upstream: Upstream, options: { replication: boolean; applicationName: string; timeoutMs: number; database?: string }): pg.Client {
  return new NoCleartextPasswordClient(
    {
      host: upstream.host,
      port: upstream.port,
      user: upstream.user,
      password: upstream.password,
      database: options.database ?? "postgres",
      ssl: nodePostgresSsl(upstream.tls ?? {}),
      ...(options.replication ? { replication: "true" } : {}),
      application_name: options.applicationName,
      connectionTimeoutMillis: connectBackstopMs(upstreamConnectMs(options.timeoutMs)),
      keepAlive: true,
    } as pg.ClientConfig,
    `the primary at ${upstream.host}:${upstream.port}`,
  );
}
