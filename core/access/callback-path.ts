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

/** Where the sign-in page was opened, against the configured address (NEXTAUTH_URL). */
export interface SignInAddressInput {
  /** The request's Host header. */
  host: string | null;
  /** How the request reached the control plane: a TLS proxy's x-forwarded-proto, else http (it serves plain http itself). */
  protocol: "http" | "https";
  configuredUrl: string | undefined;
}

export type SignInAddress =
  | { id: "configured-address" }
  | { id: "other-address-signs-in-here"; configured: string }
  | { id: "other-address-cannot-keep-a-session"; configured: string };

interface AddressRow {
  id: SignInAddress["id"];
  when: (request: { sameHost: boolean; protocol: "http" | "https"; configured: URL }) => boolean;
  sentence: string;
}

/**
 * First match wins. Sessions are host-only cookies and every redirect the
 * product makes after signing in or out is a path, so another address the
 * server answers on works by itself; only an https configuration opened over
 * plain http cannot, since its session cookie is Secure and browsers do not
 * keep it there.
 */
export const SIGN_IN_ADDRESS_RULES: readonly AddressRow[] = [
  { id: "configured-address", when: ({ sameHost }) => sameHost, sentence: "Opened at the configured address: nothing to say." },
  {
    id: "other-address-cannot-keep-a-session",
    when: ({ protocol, configured }) => configured.protocol === "https:" && protocol === "http",
    sentence: "The configured address is https and this request came over plain http, where the browser would drop the Secure session cookie: send the person to the configured address.",
  },
  {
    id: "other-address-signs-in-here",
    when: () => true,
    sentence: "Another address of the same server: signing in and out works here; name the configured address, which links in alerts and single sign-on lead to.",
  },
];

/** Which row of SIGN_IN_ADDRESS_RULES applies; the configured address when there is none to compare with counts as this one. */
export function signInAddress({ host, protocol, configuredUrl }: SignInAddressInput): SignInAddress {
  if (!host || !configuredUrl || !URL.canParse(configuredUrl)) return { id: "configured-address" };
  const configured = new URL(configuredUrl);
  const sameHost = configured.host === host.trim().toLowerCase();
  const row = SIGN_IN_ADDRESS_RULES.find((candidate) => candidate.when({ sameHost, protocol, configured }))!;
  return row.id === "configured-address" ? { id: row.id } : { id: row.id, configured: configured.origin };
}
