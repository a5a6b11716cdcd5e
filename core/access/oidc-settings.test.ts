import { describe, expect, it } from "vitest";
import { oidcRedirectUri, oidcSettingsFromEnv } from "./oidc-settings";

const complete = {
  SWITCHYARD_OIDC_ISSUER: "https://id.example.com/realms/ops",
  SWITCHYARD_OIDC_CLIENT_ID: "switchyard",
  SWITCHYARD_OIDC_CLIENT_SECRET: "s3cret",
  SWITCHYARD_OIDC_ROLE_MAP: "sre=operator",
};

describe("OIDC settings from the environment", () => {
  it("are off without an issuer", () => {
    expect(oidcSettingsFromEnv({})).toBeNull();
    expect(oidcSettingsFromEnv({ SWITCHYARD_OIDC_ISSUER: " ", SWITCHYARD_OIDC_CLIENT_ID: "x" })).toBeNull();
  });

  it("read a complete configuration, with defaults for the claim, scopes and name", () => {
    const settings = oidcSettingsFromEnv(complete);
    expect(settings).toMatchObject({
      issuer: "https://id.example.com/realms/ops",
      clientId: "switchyard",
      clientSecret: "s3cret",
      roleClaim: "groups",
      scopes: "openid email profile",
      displayName: "single sign-on",
    });
    expect([...settings!.roleMapping]).toEqual([["sre", ["operator"]]]);
  });

  it("take the claim, scopes and name when given", () => {
    const settings = oidcSettingsFromEnv({
      ...complete,
      SWITCHYARD_OIDC_ROLE_CLAIM: "realm_access.roles",
      SWITCHYARD_OIDC_SCOPES: "openid email groups",
      SWITCHYARD_OIDC_NAME: "Acme SSO",
    });
    expect(settings).toMatchObject({ roleClaim: "realm_access.roles", scopes: "openid email groups", displayName: "Acme SSO" });
  });

  it("keep the issuer exactly as written: ID tokens are compared with it character for character", () => {
    expect(oidcSettingsFromEnv({ ...complete, SWITCHYARD_OIDC_ISSUER: "https://id.example.com/" })?.issuer).toBe("https://id.example.com/");
  });

  it.each([
    [{ SWITCHYARD_OIDC_CLIENT_ID: undefined }, "SWITCHYARD_OIDC_CLIENT_ID is required when SWITCHYARD_OIDC_ISSUER is set"],
    [{ SWITCHYARD_OIDC_CLIENT_SECRET: "" }, "SWITCHYARD_OIDC_CLIENT_SECRET is required when SWITCHYARD_OIDC_ISSUER is set"],
    [{ SWITCHYARD_OIDC_ROLE_MAP: undefined }, "SWITCHYARD_OIDC_ROLE_MAP is required when SWITCHYARD_OIDC_ISSUER is set"],
    [{ SWITCHYARD_OIDC_ROLE_MAP: "sre=root" }, 'SWITCHYARD_OIDC_ROLE_MAP "sre" maps to "root", which is not a role'],
    [{ SWITCHYARD_OIDC_ISSUER: "id.example.com" }, 'SWITCHYARD_OIDC_ISSUER must be a URL, not "id.example.com"'],
    [{ SWITCHYARD_OIDC_ISSUER: "http://id.example.com" }, "SWITCHYARD_OIDC_ISSUER must use https"],
    [{ SWITCHYARD_OIDC_ISSUER: "ftp://127.0.0.1" }, "SWITCHYARD_OIDC_ISSUER must use https"],
    [{ SWITCHYARD_OIDC_ISSUER: "https://id.example.com/?tenant=1" }, "SWITCHYARD_OIDC_ISSUER must have no query or fragment"],
    [{ SWITCHYARD_OIDC_SCOPES: "email profile" }, "SWITCHYARD_OIDC_SCOPES must include openid"],
  ])("refuse an incomplete or unsafe configuration: %j", (change, message) => {
    expect(() => oidcSettingsFromEnv({ ...complete, ...change })).toThrow(message);
  });

  it("allow plain http only on the loopback address", () => {
    for (const issuer of ["http://127.0.0.1:9000", "http://localhost:9000/oidc", "http://[::1]:9000"]) {
      expect(oidcSettingsFromEnv({ ...complete, SWITCHYARD_OIDC_ISSUER: issuer })?.issuer).toBe(issuer);
    }
    expect(() => oidcSettingsFromEnv({ ...complete, SWITCHYARD_OIDC_ISSUER: "http://127.0.0.2" })).toThrow("must use https");
  });

  it("name the redirect URI to register with the provider", () => {
    expect(oidcRedirectUri("https://switchyard.example.com/")).toBe("https://switchyard.example.com/api/auth/callback/oidc");
    expect(oidcRedirectUri("http://localhost:3000")).toBe("http://localhost:3000/api/auth/callback/oidc");
  });
});
