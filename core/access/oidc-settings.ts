import { OidcRoleMappingError, parseOidcRoleMapping, type OidcRoleMapping } from "./oidc-role-mapping";

/** How the control plane signs people in through one OpenID Connect provider. */
export interface OidcSettings {
  /** Exactly as the provider's discovery document and ID tokens state it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button: "Continue with <displayName>". */
  displayName: string;
  scopes: string;
  roleClaim: string;
  roleMapping: OidcRoleMapping;
}

/** next-auth's id for the provider; it names the callback route. */
export const OIDC_PROVIDER_ID = "oidc";

export type OidcEnv = Readonly<Record<string, string | undefined>>;

export class OidcSettingsError extends Error {}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function issuerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcSettingsError(`SWITCHYARD_OIDC_ISSUER must be a URL, not "${value}"`);
  }
  // Discovery, keys and tokens all come from here: over plain HTTP anyone on
  // the path could hand the control plane their own keys.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new OidcSettingsError("SWITCHYARD_OIDC_ISSUER must use https (plain http only on this machine's loopback address)");
  }
  if (url.search || url.hash) throw new OidcSettingsError("SWITCHYARD_OIDC_ISSUER must have no query or fragment");
  return value;
}

function required(env: OidcEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new OidcSettingsError(`${name} is required when SWITCHYARD_OIDC_ISSUER is set`);
  return value;
}

/**
 * Single sign-on is on when SWITCHYARD_OIDC_ISSUER is set; then the client
 * and the role mapping must be complete, or the control plane refuses to
 * start rather than sign people in with roles nobody meant.
 */
export function oidcSettingsFromEnv(env: OidcEnv): OidcSettings | null {
  const issuer = env.SWITCHYARD_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  let roleMapping: OidcRoleMapping;
  try {
    roleMapping = parseOidcRoleMapping(required(env, "SWITCHYARD_OIDC_ROLE_MAP"));
  } catch (error) {
    if (error instanceof OidcRoleMappingError) throw new OidcSettingsError(`SWITCHYARD_OIDC_ROLE_MAP ${error.message}`);
    throw error;
  }
  const scopes = env.SWITCHYARD_OIDC_SCOPES?.trim() || "openid email profile";
  if (!scopes.split(/\s+/).includes("openid")) throw new OidcSettingsError("SWITCHYARD_OIDC_SCOPES must include openid");
  return {
    issuer: issuerUrl(issuer),
    clientId: required(env, "SWITCHYARD_OIDC_CLIENT_ID"),
    clientSecret: required(env, "SWITCHYARD_OIDC_CLIENT_SECRET"),
    displayName: env.SWITCHYARD_OIDC_NAME?.trim() || "single sign-on",
    scopes,
    roleClaim: env.SWITCHYARD_OIDC_ROLE_CLAIM?.trim() || "groups",
    roleMapping,
  };
}

/** The address to register with the provider as the client's redirect URI. */
export function oidcRedirectUri(nextAuthUrl: string): string {
  return `${nextAuthUrl.replace(/\/+$/, "")}/api/auth/callback/${OIDC_PROVIDER_ID}`;
}
