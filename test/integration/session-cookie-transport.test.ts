import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listServicesRoute } from "@/app/api/v1/services/route";
import { call, createTestUser } from "../support/api";

/**
 * The session cookie is Secure (and __Secure- prefixed, so no http page of
 * the same host can set one) exactly when the console's public URL is
 * https: a sign-in through next-auth's own handler, as the sign-in form
 * does it, and the cookie it sets authenticating an API call.
 */
type Cookie = { name: string; value: string; options: { secure?: boolean; httpOnly?: boolean; sameSite?: string } };
type AuthAnswer = { status?: number; body?: { csrfToken?: string; url?: string }; cookies?: Cookie[] };
// next-auth keeps its handler out of its package exports; this is the function its Next.js adapter calls.
const { AuthHandler } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/index.js")) as {
  AuthHandler: (params: { req: Request; options: unknown }) => Promise<AuthAnswer>;
};

const PASSWORD = "transport-password-1234";

beforeAll(async () => {
  await createTestUser("transport@example.com", ["viewer"], PASSWORD);
});

async function signIn(publicUrl: string): Promise<Cookie> {
  vi.stubEnv("NEXTAUTH_URL", publicUrl);
  try {
    const { authOptions } = await import("@/server/auth/auth-options");
    const csrf = await AuthHandler({ req: new Request(`${publicUrl}/api/auth/csrf`), options: authOptions });
    const csrfCookie = csrf.cookies!.find((cookie) => cookie.name.endsWith("next-auth.csrf-token"))!;
    const signedIn = await AuthHandler({
      req: new Request(`${publicUrl}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: `${csrfCookie.name}=${csrfCookie.value}` },
        body: JSON.stringify({ email: "transport@example.com", password: PASSWORD, csrfToken: csrf.body!.csrfToken!, json: "true" }),
      }),
      options: authOptions,
    });
    const session = signedIn.cookies?.find((cookie) => cookie.name.endsWith("next-auth.session-token"));
    expect(session, JSON.stringify(signedIn)).toBeDefined();
    return session!;
  } finally {
    vi.unstubAllEnvs();
  }
}

describe("the session cookie", () => {
  it("is Secure and __Secure- prefixed when the console is served over https, and authenticates", async () => {
    const session = await signIn("https://switchyard.example.com");
    expect(session.name).toBe("__Secure-next-auth.session-token");
    expect(session.options).toMatchObject({ secure: true, httpOnly: true, sameSite: "lax" });
    expect((await call(listServicesRoute, { cookie: `${session.name}=${session.value}` })).status).toBe(200);
  });

  it("is a plain cookie over http, where a Secure one would never come back", async () => {
    const session = await signIn("http://localhost:3000");
    expect(session.name).toBe("next-auth.session-token");
    expect(session.options.secure).toBeFalsy();
    expect(session.options).toMatchObject({ httpOnly: true, sameSite: "lax" });
  });
});
