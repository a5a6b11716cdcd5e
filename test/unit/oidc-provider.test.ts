import { describe, expect, it } from "vitest";
import { oidcSettingsFromEnv } from "@/core/access/oidc-settings";
import { oidcProvider } from "@/server/auth/oidc-provider";

const settings = oidcSettingsFromEnv({
  SWITCHYARD_OIDC_ISSUER: "https://id.example.com/realms/ops/",
  SWITCHYARD_OIDC_CLIENT_ID: "switchyard",
  SWITCHYARD_OIDC_CLIENT_SECRET: "s3cret",
  SWITCHYARD_OIDC_ROLE_MAP: "sre=operator",
  SWITCHYARD_OIDC_SCOPES: "openid email groups",
})!;

describe("the next-auth OIDC provider", () => {
  const provider = oidcProvider(settings);

  it("checks state, PKCE and nonce, and takes claims only from the validated ID token", () => {
    expect(provider).toMatchObject({ id: "oidc", type: "oauth", idToken: true });
    expect([...(provider.checks as string[])].sort()).toEqual(["nonce", "pkce", "state"]);
  });

  it("leaves token and ID token validation to openid-client: no custom token or userinfo request, no unsigned tokens", () => {
    const token = provider.token as { request?: unknown } | undefined;
    const userinfo = provider.userinfo as { request?: unknown } | undefined;
    expect(token?.request).toBeUndefined();
    expect(userinfo?.request).toBeUndefined();
    expect(JSON.stringify(provider.client ?? {})).not.toMatch(/"none"/);
  });

  it("discovers the issuer's endpoints and keys under the configured issuer, and asks for the configured scopes", () => {
    expect(provider.wellKnown).toBe("https://id.example.com/realms/ops/.well-known/openid-configuration");
    expect(provider.issuer).toBe("https://id.example.com/realms/ops/");
    expect(provider.authorization).toEqual({ params: { scope: "openid email groups" } });
  });

  it("names the person by the token's subject, never by a claim the person could choose", async () => {
    const profile = await provider.profile({ sub: "abc", email: "ana@example.com", name: "Ana", preferred_username: "admin" }, {});
    expect(profile).toEqual({ id: "abc", email: "ana@example.com", name: "Ana" });
  });
});
