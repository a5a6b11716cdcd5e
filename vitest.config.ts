import path from "node:path";
import { defineConfig } from "vitest/config";
import { SERVERS_LANE } from "./test/integration-lanes.ts";

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
