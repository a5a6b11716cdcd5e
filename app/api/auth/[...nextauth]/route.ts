import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/auth-options";
import { errorResponse } from "@/server/http/api-response";
import { readBodyWithin } from "@/server/http/read-body";

const handler = NextAuth(authOptions);

// next-auth reads whatever body it is given, whole, before looking at it; the
// forms it takes (email, password, CSRF token, callback URL) are small, and
// the sign-in endpoint is open to anyone.
const MAX_BODY_BYTES = 16 * 1024;

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function POST(request: NextRequest, context: RouteContext): Promise<Response> {
  const read = await readBodyWithin(request, MAX_BODY_BYTES);
  if (!read.ok) return errorResponse(413, { code: "payload_too_large", message: `Request body exceeds ${MAX_BODY_BYTES} bytes.` });
  return handler(new NextRequest(request.url, { method: "POST", headers: request.headers, body: read.bytes }), context);
}

export { handler as GET, POST };
