import NextAuth from "next-auth/next";
import { authOptions } from "@/server/auth/auth-options";

/** What next-auth answered, with the cookies it set (an empty value: cleared). */
export interface AuthAnswer {
  status: number;
  body: any;
  cookies: Map<string, string>;
}

export const SESSION_COOKIE = "next-auth.session-token";

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Calls next-auth's own handler with the product's options, through its
 * public request/response form (the one the App Router route wraps), so the
 * sign-in, session and sign-out logic under test is next-auth's and ours.
 */
export async function authRequest(path: string, options: { method?: string; cookie?: string; body?: Record<string, string> } = {}): Promise<AuthAnswer> {
  const headers: Record<string, string> = { host: "switchyard.test", ...(options.cookie ? { cookie: options.cookie } : {}) };
  const request = { method: options.method ?? "GET", query: { nextauth: path.split("/") }, body: options.body ?? {}, cookies: parseCookies(options.cookie), headers };
  const outgoing = new Map<string, unknown>();
  let status = 200;
  let body: unknown;
  const response = {
    status(code: number) {
      status = code;
      return response;
    },
    setHeader: (name: string, value: unknown) => outgoing.set(name.toLowerCase(), value),
    getHeader: (name: string) => outgoing.get(name.toLowerCase()),
    end: () => response,
    send: (sent: unknown) => (body = sent),
    json: (sent: unknown) => (body = sent),
  };
  await NextAuth(request as never, response as never, authOptions);
  const cookies = new Map<string, string>();
  for (const line of (outgoing.get("set-cookie") as string[] | undefined) ?? []) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    cookies.set(pair!.slice(0, eq), decodeURIComponent(pair!.slice(eq + 1)));
  }
  return { status, body: typeof body === "string" && body.startsWith("{") ? JSON.parse(body) : body, cookies };
}

async function csrf(): Promise<{ token: string; cookie: string }> {
  const answer = await authRequest("csrf");
  const [name, value] = [...answer.cookies].find(([cookie]) => cookie.includes("csrf-token"))!;
  return { token: answer.body.csrfToken, cookie: `${name}=${encodeURIComponent(value)}` };
}

/** Signs in through the credentials provider as the sign-in form does; answers the session cookie (`name=value`). */
export async function signInCookie(email: string, password: string): Promise<string> {
  const { token, cookie } = await csrf();
  const answer = await authRequest("callback/credentials", { method: "POST", cookie, body: { csrfToken: token, email, password, json: "true" } });
  const session = answer.cookies.get(SESSION_COOKIE);
  if (!session) throw new Error(`sign-in of ${email} set no session cookie: ${answer.status} ${JSON.stringify(answer.body)}`);
  return `${SESSION_COOKIE}=${session}`;
}

/** Signs out as the console's button does (next-auth's sign-out, with its CSRF token). */
export async function signOutCookie(sessionCookie: string): Promise<AuthAnswer> {
  const { token, cookie } = await csrf();
  return authRequest("signout", { method: "POST", cookie: `${sessionCookie}; ${cookie}`, body: { csrfToken: token, json: "true" } });
}

/** next-auth's session endpoint, which re-issues the cookie with a later expiry while the session stands. */
export async function refreshSession(sessionCookie: string): Promise<{ session: any; cookie: string | null; cleared: boolean }> {
  const answer = await authRequest("session", { cookie: sessionCookie });
  const value = answer.cookies.get(SESSION_COOKIE);
  return { session: answer.body, cookie: value ? `${SESSION_COOKIE}=${value}` : null, cleared: value === "" };
}
