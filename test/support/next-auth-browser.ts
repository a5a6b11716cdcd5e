import NextAuth, { type AuthOptions } from "next-auth";

type Jar = Map<string, string>;

function cookieHeader(jar: Jar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

function keepSetCookies(jar: Jar, lines: readonly string[]): void {
  for (const line of lines) {
    const pair = line.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * What a browser does in a single sign-on round trip, without the browser:
 * next-auth's own request handler (the one the control plane's
 * /api/auth/[...nextauth] route calls) on one side, a real identity provider
 * over HTTP on the other, and a cookie jar for each.
 */
export class NextAuthBrowser {
  readonly cookies: Jar = new Map();
  readonly idpCookies: Jar = new Map();

  constructor(private readonly options: AuthOptions) {}

  /**
   * One request to next-auth through its public entry point (the form
   * Next.js's pages router calls; the app router's form needs a Next.js
   * request scope), with this jar's cookies.
   */
  async nextAuth(method: "GET" | "POST", action: string, providerId?: string, input: { query?: Record<string, string>; body?: Record<string, string> } = {}) {
    const headers = new Map<string, string | string[]>();
    const result = { status: 200, location: null as string | null, json: null as unknown, body: null as unknown };
    const response = {
      status(code: number) {
        result.status = code;
        return response;
      },
      getHeader: (name: string) => headers.get(name.toLowerCase()),
      setHeader(name: string, value: string | string[]) {
        headers.set(name.toLowerCase(), value);
        if (name.toLowerCase() === "location") result.location = String(value);
        return response;
      },
      end: () => response,
      json(value: unknown) {
        result.json = value;
        return response;
      },
      send(value: unknown) {
        result.body = value;
        return response;
      },
    };
    const request = {
      method,
      query: { ...input.query, nextauth: providerId ? [action, providerId] : [action] },
      body: input.body ?? {},
      headers: { host: new URL(process.env.NEXTAUTH_URL!).host },
      cookies: Object.fromEntries([...this.cookies].map(([name, value]) => [name, decodeURIComponent(value)])),
    };
    await (NextAuth as unknown as (req: unknown, res: unknown, options: AuthOptions) => Promise<void>)(request, response, this.options);
    const setCookie = headers.get("set-cookie") ?? [];
    keepSetCookies(this.cookies, Array.isArray(setCookie) ? setCookie : [setCookie]);
    return result;
  }

  /** Starts a sign-in with the provider: the address next-auth sends the browser to. */
  async startSignIn(providerId: string, callbackUrl = "/fleet"): Promise<string> {
    const csrf = await this.nextAuth("GET", "csrf");
    const { csrfToken } = csrf.body as { csrfToken: string };
    const started = await this.nextAuth("POST", "signin", providerId, { body: { csrfToken, callbackUrl, json: "true" } });
    const url = (started.json as { url?: string } | null)?.url;
    if (!url) throw new Error(`next-auth did not send the browser to the provider: ${JSON.stringify(started)}`);
    return url;
  }

  /** Follows the provider's redirects, logging in and consenting, to the redirect back to the control plane. */
  async atProvider(authorizationUrl: string, login: { username: string; password: string }): Promise<URL> {
    let url = authorizationUrl;
    let method = "GET";
    let body: URLSearchParams | undefined;
    const callbackPrefix = `${process.env.NEXTAUTH_URL}/api/auth/callback/`;
    for (let hop = 0; hop < 12; hop++) {
      if (url.startsWith(callbackPrefix)) return new URL(url);
      const response = await fetch(url, { method, body, redirect: "manual", headers: { cookie: cookieHeader(this.idpCookies) } });
      keepSetCookies(this.idpCookies, response.headers.getSetCookie());
      const location = response.headers.get("location");
      if (location) {
        url = new URL(location, url).toString();
        method = "GET";
        body = undefined;
        continue;
      }
      const html = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (response.status !== 200 || !action) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 500)}`);
      url = new URL(action, url).toString();
      method = "POST";
      body = action.endsWith("/login") ? new URLSearchParams(login) : new URLSearchParams();
    }
    throw new Error("the provider never redirected back to the control plane");
  }

  /** Hands the provider's redirect to next-auth's callback, as the browser would. */
  async callback(redirect: URL) {
    const providerId = redirect.pathname.split("/").at(-1)!;
    return this.nextAuth("GET", "callback", providerId, { query: Object.fromEntries(redirect.searchParams) });
  }

  sessionToken(): string | undefined {
    const token = this.cookies.get("next-auth.session-token");
    return token && decodeURIComponent(token);
  }
}
