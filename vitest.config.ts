import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

const resolve = {
  alias: {
    "@": root,
    "server-only": path.join(root, "test/support/empty-module.ts"),
  },
};

const integration = {
  environment: "node" as const,
  globalSetup: ["test/support/global-store.ts"],
  setupFiles: ["test/support/fresh-database.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

/**
 * The integration files that run replicated servers of their own besides
 * the store (the lab; Debian's PostgreSQL 15, MariaDB or Patroni clusters)
 * or a control plane as `npm start` runs it. `npm run test:integration`
 * (scripts/test-integration.sh) runs them one at a time, side by side with
 * the other files, also one at a time: never two such files at once, whose
 * failovers and freezes would then compete for this machine's two cores.
 */
const SERVERS_LANE = [
  "test/integration/agent-restart-in-place.test.ts",
  "test/integration/agent-rewind-pg15.test.ts",
  "test/integration/before-sign-in-http.test.ts",
  "test/integration/byo-cluster-pg15.test.ts",
  "test/integration/chaos-*.test.ts",
  "test/integration/copies-takeover.test.ts",
  "test/integration/discovery.test.ts",
  "test/integration/drills.test.ts",
  "test/integration/lab*.test.ts",
  "test/integration/mariadb-*.test.ts",
  "test/integration/pgbouncer-hook.test.ts",
  "test/integration/replication-tls.test.ts",
  "test/integration/store-on-patroni.test.ts",
  "test/integration/two-person-rule-product.test.ts",
  "test/integration/witness-kept-connection.test.ts",
];

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: {
          name: "unit",
          include: ["core/**/*.test.ts", "contracts/**/*.test.ts", "agents/**/*.test.ts", "lab/**/*.test.ts", "cli/**/*.test.ts", "client/**/*.test.ts", "test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve,
        test: { name: "integration", include: ["test/integration/**/*.test.ts"], exclude: SERVERS_LANE, ...integration },
      },
      {
        resolve,
        test: { name: "integration-servers", include: SERVERS_LANE, ...integration },
      },
    ],
  },
});
