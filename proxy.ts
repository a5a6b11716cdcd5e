import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/**
 * An optimistic first gate: pages need a session cookie, or the visitor is
 * sent to sign in. The real checks (valid session, roles) run on the server
 * in every page, action and API route; this only saves strangers a render.
 */
export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Everything but the sign-in page, the APIs (which answer 401 themselves) and static assets.
  matcher: ["/((?!signin|api/|_next/|favicon.ico).*)"],
};
