import "server-only";
import { crossSiteRefusalMessage, decideCrossSite, type CrossSiteDecision } from "@/core/web/cross-site";
import { SESSION_COOKIES } from "../auth/resolve-actor";
import { errorResponse } from "./api-response";

function hasSessionCookie(cookieHeader: string | null): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(";").some((part) => (SESSION_COOKIES as readonly string[]).includes(part.slice(0, part.indexOf("=")).trim()));
}

function publicOrigin(): string | null {
  try {
    return process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : null;
  } catch {
    return null;
  }
}

/** core/web/cross-site.ts's rule over a request's headers; `fallbackHost` when there is no Host header (the request's URL). */
function crossSiteDecision(method: string, headers: Headers, fallbackHost: string | null): CrossSiteDecision {
  return decideCrossSite({
    method,
    authorization: headers.has("authorization"),
    sessionCookie: hasSessionCookie(headers.get("cookie")),
    fetchSite: headers.get("sec-fetch-site")?.toLowerCase() ?? null,
    origin: headers.get("origin"),
    host: headers.get("host") ?? fallbackHost,
    publicOrigin: publicOrigin(),
  });
}

/**
 * For apiRoute, before anything else: a 403 for a change that rides on the
 * session cookie but does not come from the console's own pages; null when
 * the request may go on.
 */
export function crossSiteRefusal(request: Request): Response | null {
  const decision = crossSiteDecision(request.method, request.headers, new URL(request.url).host);
  if (decision.allow) return null;
  return errorResponse(403, { code: "forbidden", message: crossSiteRefusalMessage(decision) });
}
