/**
 * The identity provider the browser tests run (test/support/oidc-issuer.ts)
 * and the product's single sign-on settings that point at it. The product
 * starts once for every browser test, so it starts with these; the provider
 * itself runs only while the single sign-on tests do (the product looks it
 * up at each sign-in, not at start).
 */
export const E2E_OIDC = {
  port: Number(process.env.E2E_OIDC_PORT ?? 3211),
  clientId: "switchyard-e2e",
  clientSecret: "e2e-oidc-client-secret",
  displayName: "Test IdP",
};

export function productSingleSignOnEnv(): Record<string, string> {
  return {
    SWITCHYARD_OIDC_ISSUER: `http://127.0.0.1:${E2E_OIDC.port}`,
    SWITCHYARD_OIDC_CLIENT_ID: E2E_OIDC.clientId,
    SWITCHYARD_OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
    SWITCHYARD_OIDC_NAME: E2E_OIDC.displayName,
    SWITCHYARD_OIDC_SCOPES: "openid email profile groups",
    SWITCHYARD_OIDC_ROLE_CLAIM: "groups",
    SWITCHYARD_OIDC_ROLE_MAP: "sre=operator, sre-leads=operator+approver, switchyard-admins=admin",
  };
}
