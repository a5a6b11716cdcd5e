/**
 * The headers every answer of the control plane carries so that a browser
 * holds the console to what it is: scripts only of its own, never inside
 * another site's frame, no guessing of content types, no URLs leaking to
 * other sites, and, once it is served over https, never over http again.
 *
 * Pages get a Content-Security-Policy with a nonce per response (proxy.ts):
 * Next.js puts the nonce on its own scripts, so no inline script runs
 * without it and 'unsafe-inline' is not needed for scripts. Everything else
 * (API answers, static files) gets a policy that lets nothing run at all.
 * Imported by next.config.ts as well, so no path aliases here.
 */

export interface PageContext {
  /** Fresh for every response, unguessable (128 random bits, base64). */
  nonce: string;
  /** The public URL (NEXTAUTH_URL) is https: transport security applies. */
  https: boolean;
  /** `next dev`: React's debugging needs eval there (never in production). */
  development: boolean;
}

export interface SecurityHeader {
  /** Lower-case header name; also the row's stable id. */
  name: string;
  /** Where it is sent: `pages` by the proxy, per response; `everything` from next.config.ts. */
  on: "pages" | "everything";
  value: (context: PageContext) => string | null;
  why: string;
}

/**
 * The page policy, one directive per line of its own reason:
 * - script-src: the response's nonce, and whatever a nonce'd script loads
 *   ('strict-dynamic': Next.js loads its chunks that way); 'self' is kept
 *   for browsers without 'strict-dynamic', which ignore it otherwise.
 * - style-src: stylesheets of our own and <style> elements with the nonce;
 *   style *attributes* (React's `style` prop, the charts) stay allowed
 *   through style-src-attr: an attribute cannot run script or select what
 *   it styles, which is what CSS injection needs to read a page.
 * - connect-src 'self': the console only talks to its own API.
 * - frame-ancestors 'none', form-action 'self', base-uri 'none',
 *   object-src 'none': no clickjacking, no forms posting elsewhere, no
 *   <base> re-pointing relative URLs, no plugins.
 * - upgrade-insecure-requests only over https: on an http console it would
 *   send the console's own requests to an https port nothing listens on.
 */
export function pageContentSecurityPolicy({ nonce, https, development }: PageContext): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** For anything that is not a page: it is data, and runs nothing even when opened as a document. */
export const DOCUMENTLESS_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Two years, as browsers' preload lists expect; not includeSubDomains, which would bind hosts that are not ours to decide for. */
export const HSTS = "max-age=63072000";

export const SECURITY_HEADERS: readonly SecurityHeader[] = [
  {
    name: "content-security-policy",
    on: "pages",
    value: pageContentSecurityPolicy,
    why: "Scripts run only with this response's nonce (and what they load), nothing frames the console, and forms post only to it.",
  },
  {
    name: "strict-transport-security",
    on: "pages",
    value: ({ https }) => (https ? HSTS : null),
    why: "Once a browser has seen the console over https it refuses to reach it over http, so a network attacker cannot strip TLS; never sent over http, where it means nothing and would only mislead.",
  },
  {
    name: "x-content-type-options",
    on: "everything",
    value: () => "nosniff",
    why: "A browser takes each answer for the type it is labelled with, so a JSON answer or an uploaded text can never be run as a script or rendered as a page.",
  },
  {
    name: "x-frame-options",
    on: "everything",
    value: () => "DENY",
    why: "Browsers that predate frame-ancestors still refuse to frame the console.",
  },
  {
    name: "referrer-policy",
    on: "everything",
    value: () => "same-origin",
    why: "A link out of the console does not carry its URLs (service names, run ids) to another site.",
  },
  {
    name: "cross-origin-opener-policy",
    on: "everything",
    value: () => "same-origin",
    why: "A page the console opens, or that opens the console, gets no handle on its window.",
  },
];

/** The headers the proxy adds to a page, for this response. */
export function pageSecurityHeaders(context: PageContext): [string, string][] {
  return SECURITY_HEADERS.filter((header) => header.on === "pages").flatMap((header) => {
    const value = header.value(context);
    return value === null ? [] : [[header.name, value] as [string, string]];
  });
}

/**
 * Headers that do not depend on the request, for next.config.ts: all
 * answers, plus a run-nothing policy on the REST API (not on next-auth's
 * /api/auth, whose sign-out confirmation is a page with a form).
 */
export function staticSecurityHeaders(): { source: string; headers: { key: string; value: string }[] }[] {
  return [
    { source: "/:path*", headers: everywhereHeaders().map(([key, value]) => ({ key, value })) },
    { source: "/api/v1/:path*", headers: [{ key: "content-security-policy", value: DOCUMENTLESS_POLICY }] },
  ];
}

/** What next.config.ts puts on every REST API answer, for answers given without Next.js (server/direct-lane). */
export function apiSecurityHeaders(): [string, string][] {
  return [...everywhereHeaders(), ["content-security-policy", DOCUMENTLESS_POLICY]];
}

function everywhereHeaders(): [string, string][] {
  const context: PageContext = { nonce: "", https: false, development: false };
  return SECURITY_HEADERS.filter((header) => header.on === "everything").map((header) => [header.name, header.value(context)!]);
}

/** 16 random bytes, base64: what a nonce-source accepts. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Whether the console is served over https, judged by its public URL (NEXTAUTH_URL), the one the operator configured. */
export function servedOverHttps(publicUrl: string | undefined): boolean {
  return /^https:\/\//i.test(publicUrl ?? "");
}
