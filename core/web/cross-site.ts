/**
 * Whether a request may change something on the strength of the session
 * cookie a browser attaches by itself. Another site (or a page on another
 * port of the same host, which counts as the same site, so SameSite=Lax
 * cookies still go along) can make a browser post a form or a simple
 * request here; only the request's provenance, which the browser sets and
 * no page can forge, tells it apart from the console's own.
 */
export interface RequestProvenance {
  method: string;
  /** An Authorization header is present: a token, which no browser adds on another site's behalf. */
  authorization: boolean;
  /** A next-auth session cookie is present. */
  sessionCookie: boolean;
  /** `Sec-Fetch-Site` as sent (browsers since 2020; only to https or localhost origins). */
  fetchSite: string | null;
  /** `Origin` as sent (every browser's POST, PATCH, PUT and DELETE). */
  origin: string | null;
  /** The `Host` (or `X-Forwarded-Host`) the request was sent to. */
  host: string | null;
  /** The console's public origin (from NEXTAUTH_URL), for a proxy that rewrites Host. */
  publicOrigin: string | null;
}

export interface CrossSiteRule {
  id: string;
  when: (request: RequestProvenance) => boolean;
  allow: boolean;
  sentence: (request: RequestProvenance) => string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ALWAYS = (): boolean => true;

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The Origin is this console: the address the browser sent the request to, or its configured public URL. */
export function isOwnOrigin({ origin, host, publicOrigin }: RequestProvenance): boolean {
  if (!origin || origin === "null") return false;
  if (publicOrigin !== null && origin === publicOrigin) return true;
  const originHost = hostOf(origin);
  return originHost !== null && host !== null && originHost.toLowerCase() === host.toLowerCase();
}

/** First match wins. Ids are stable: answers and tests name them. */
export const CROSS_SITE_RULES: readonly CrossSiteRule[] = [
  { id: "safe-method", when: (r) => SAFE_METHODS.has(r.method.toUpperCase()), allow: true, sentence: (r) => `${r.method} changes nothing` },
  { id: "token", when: (r) => r.authorization, allow: true, sentence: () => "it carries an Authorization header, which a browser never adds on another site's behalf" },
  { id: "no-session", when: (r) => !r.sessionCookie, allow: true, sentence: () => "no session cookie rides on it, so nothing a browser sends by itself authenticates it" },
  {
    id: "fetch-site-own",
    when: (r) => r.fetchSite === "same-origin" || r.fetchSite === "none",
    allow: true,
    sentence: (r) => `the browser says it comes from ${r.fetchSite === "none" ? "the person, not a page" : "the console's own page"}`,
  },
  {
    id: "fetch-site-other",
    when: (r) => r.fetchSite !== null,
    allow: false,
    sentence: (r) => `the browser says it was sent from a ${r.fetchSite} page, not the console's own`,
  },
  { id: "origin-own", when: isOwnOrigin, allow: true, sentence: (r) => `it comes from ${r.origin}, this console` },
  { id: "origin-other", when: (r) => r.origin !== null, allow: false, sentence: (r) => `it comes from ${r.origin}, not from this console` },
  {
    id: "no-provenance",
    when: ALWAYS,
    allow: false,
    sentence: () => "it says neither where it comes from (Origin) nor from what kind of page (Sec-Fetch-Site), which every browser does",
  },
];

export interface CrossSiteDecision {
  allow: boolean;
  rule: string;
  sentence: string;
}

export function decideCrossSite(request: RequestProvenance): CrossSiteDecision {
  const rule = CROSS_SITE_RULES.find((candidate) => candidate.when(request))!;
  return { allow: rule.allow, rule: rule.id, sentence: rule.sentence(request) };
}

/** What a refused person is told: why, and what to do instead. */
export function crossSiteRefusalMessage(decision: CrossSiteDecision): string {
  return `Refused a change authenticated only by the session cookie: ${decision.sentence} (rule ${decision.rule}). Make it from the console, or send an API token as \`Authorization: Bearer <token>\`.`;
}
