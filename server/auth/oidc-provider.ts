import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { OIDC_PROVIDER_ID, type OidcSettings } from "@/core/access/oidc-settings";

export type OidcClaims = Record<string, unknown>;

/**
 * next-auth's generic OAuth provider in its OpenID Connect form. `idToken`
 * makes openid-client validate the ID token (signature against the issuer's
 * published keys, issuer, audience, expiry, nonce) and take the profile from
 * its claims; nothing here may replace that (no `token.request`,
 * `userinfo.request` or `id_token_signed_response_alg: "none"`), and the
 * unit test of this file holds it to that.
 */
export function oidcProvider(settings: OidcSettings): OAuthConfig<OidcClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: settings.displayName,
    type: "oauth",
    wellKnown: `${settings.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorization: { params: { scope: settings.scopes } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    profile(claims) {
      return {
        id: String(claims.sub),
        email: typeof claims.email === "string" ? claims.email : null,
        name: typeof claims.name === "string" ? claims.name : null,
      };
    },
  };
}
