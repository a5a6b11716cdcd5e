import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./core/web/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    authInterrupts: true,
    // Next.js copies the body of every request the proxy (proxy.ts) sees,
    // before the proxy runs, keeping up to this much in memory: our proxy never
    // reads bodies, and server actions take at most 1 MB (their default).
    proxyClientMaxBodySize: "1mb",
  },
  // The pg driver and Prisma's adapter stay as Node requires instead of being
  // bundled; they are server-only. (The native password hashers are kept out
  // of the bundle by Next.js itself.)
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  // `npm test` type-checks the whole project (tsc, app/ included) before any
  // of its steps builds the app, and says so with this variable: the build's
  // own check would repeat it (40 s of the build on this machine).
  typescript: { ignoreBuildErrors: process.env.SWITCHYARD_BUILD_TYPECHECK === "off" },
  // Headers that do not vary by request; pages get their nonce policy from proxy.ts.
  async headers() {
    return staticSecurityHeaders();
  },
};

export default nextConfig;
