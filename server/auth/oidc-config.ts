import "server-only";
import { oidcSettingsFromEnv, type OidcSettings } from "@/core/access/oidc-settings";

/**
 * The single sign-on configuration of this process, read once. A bad
 * configuration throws here, and `npm start` reads it before anything else
 * so that the control plane refuses to start instead.
 */
export const OIDC_SETTINGS: OidcSettings | null = oidcSettingsFromEnv(process.env);
