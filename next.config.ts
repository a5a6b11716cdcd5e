import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./core/web/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  typedRoutes: false,
  experimental: { authInterrupts: true },
  // The pg driver and Prisma's adapter stay as Node requires instead of being
  // bundled; they are server-only.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bcryptjs"],
  // Headers that do not vary by request; pages get their nonce policy from proxy.ts.
  async headers() {
    return staticSecurityHeaders();
  },
};

export default nextConfig;
