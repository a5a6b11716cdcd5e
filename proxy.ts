import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageSecurityHeaders, servedOverHttps } from "@/core/web/security-headers";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** Pages anyone may read: signing in, and the public status page. */
const PUBLIC_PAGES = ["/signin", "/status"];
const isPublicPage = (pathname: string) => PUBLIC_PAGES.some((page) => pathname === page || pathname.startsWith(`${page}/`));

/**
 * Every page: a Content-Security-Policy with a fresh nonce (Next.js reads it
 * from the request's copy of the header and puts it on its scripts, which is
 * why every page renders per request: app/layout.tsx), and transport
 * security when served over https; core/web/security-headers.ts says why each.
 *
 * Then an optimistic first gate: pages other than sign-in and the public
 * status page need a session cookie, or the visitor is sent to sign in. The real checks (valid
 * session, roles) run on the server in every page, action and API route;
 * this only saves strangers a render.
 */
export function proxy(request: NextRequest) {
  const headers = pageSecurityHeaders({
    nonce: newNonce(),
    https: servedOverHttps(process.env.NEXTAUTH_URL),
    development: process.env.NODE_ENV === "development",
  });
  let response: NextResponse;
  if (isPublicPage(request.nextUrl.pathname) || SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const forwarded = new Headers(request.headers);
    forwarded.set("content-security-policy", headers.find(([name]) => name === "content-security-policy")![1]);
    response = NextResponse.next({ request: { headers: forwarded } });
  } else {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    response = NextResponse.redirect(signIn);
  }
  for (const [name, value] of headers) response.headers.set(name, value);
  return response;
}

export const config = {
  // Every page; not the APIs (which answer 401 themselves and carry a run-nothing policy: next.config.ts) nor static assets.
  matcher: ["/((?!api/|_next/|favicon.ico|icon.svg).*)"],
};
