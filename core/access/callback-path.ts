/**
 * Where to send someone after they sign in: a path on this application, or
 * `fallback`. The candidate is parsed the way browsers parse it (WHATWG URL,
 * so `/\evil.example` is `//evil.example`, tabs and newlines are dropped) and
 * kept only if it stays on `origin`; the answer is a path that no browser
 * reads as another host (never `//…` or `/\…`).
 */
export function callbackPath(candidate: string | null | undefined, origin: string, fallback = "/fleet"): string {
  if (!candidate) return fallback;
  const base = new URL(origin);
  let url: URL;
  try {
    url = new URL(candidate, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return /^\/[/\\]/.test(path) ? fallback : path;
}

/**
 * The configured address (NEXTAUTH_URL's origin) when the page was opened at
 * another host (e.g. 127.0.0.1 for localhost), else null. Sessions belong to
 * the host they were made on, and next-auth sends people to the configured
 * address after signing out, so the sign-in page says which one that is.
 */
export function otherConfiguredAddress(requestHost: string | null, configuredUrl: string | undefined): string | null {
  if (!requestHost || !configuredUrl || !URL.canParse(configuredUrl)) return null;
  const configured = new URL(configuredUrl);
  return configured.host === requestHost.trim().toLowerCase() ? null : configured.origin;
}
