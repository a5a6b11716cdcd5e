import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  typedRoutes: false,
  experimental: { authInterrupts: true },
  // The pg driver and Prisma's adapter stay as Node requires instead of being
  // bundled; they are server-only.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bcryptjs"],
};

export default nextConfig;
