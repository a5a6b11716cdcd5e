import "server-only";
import { oidcSettingsFromEnv, type OidcSettings } from "@/core/access/oidc-settings";

let settings: OidcSettings | null | undefined;

/**
 * The single sign-on configuration of this process, read once, at first use
 * (so that a module importing this one does not fix it before the
 * environment is complete). A bad configuration throws, and `npm start`
 * reads it before anything else so that the control plane refuses to start
 * instead.
 */
export function oidcSettings(): OidcSettings | null {
  if (settings === undefined) settings = oidcSettingsFromEnv(process.env);
  return settings;
}
