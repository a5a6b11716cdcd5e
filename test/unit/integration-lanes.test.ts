import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVERS_LANE } from "../integration-lanes";

const root = path.resolve(__dirname, "../..");

/** What a file imports or runs that starts replicated servers or a control plane as `npm start` runs it. */
const RUNS_SERVERS = [
  /from "@\/lab\//,
  /from "@\/bench\/support\/control-plane"/,
  /\b(startProduct|productForFile)\(/,
  /support\/(debian-pg15-cluster|mariadb-trio|patroni-store|replication-cluster)"/,
  /\/usr\/lib\/postgresql\/15\/bin/,
];

describe("the integration lanes (test/integration-lanes.ts)", () => {
  const files = readdirSync(path.join(root, "test/integration"))
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/integration/${name}`);

  it("put every file that runs replicated servers or a product of its own in the servers lane", () => {
    const runsServers = files.filter((file) => RUNS_SERVERS.some((marker) => marker.test(readFileSync(path.join(root, file), "utf8"))));
    expect(runsServers.length).toBeGreaterThan(20);
    expect(runsServers.filter((file) => !SERVERS_LANE.includes(file))).toEqual([]);
  });

  it("name only files that exist", () => {
    expect(SERVERS_LANE.filter((file) => !existsSync(path.join(root, file)))).toEqual([]);
  });
});
