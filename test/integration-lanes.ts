/**
 * The integration files that run replicated servers of their own besides
 * the store (the lab; Debian's PostgreSQL 15, MariaDB or Patroni clusters)
 * or a control plane as `npm start` runs it. `npm run test:integration`
 * (scripts/test-integration.sh) runs them one at a time, side by side with
 * the other files, also one at a time: never two such files at once, whose
 * failovers and freezes would then compete for this machine's two cores.
 * test/unit/integration-lanes.test.ts keeps a new such file from being left out.
 */
export const SERVERS_LANE = [
  "agent-restart-in-place",
  "agent-rewind-pg15",
  "before-sign-in-http",
  "byo-cluster-pg15",
  "chaos-failover",
  "chaos-fast-failover",
  "chaos-mariadb",
  "chaos-partition",
  "chaos-restart-in-place",
  "copies-takeover",
  "discovery",
  "drills",
  "lab",
  "lab-agents",
  "lab-failover",
  "lab-haproxy",
  "lab-network",
  "lab-services",
  "lab-sessions-db",
  "lab-switchover",
  "mariadb-control-plane",
  "mariadb-onboarding",
  "mariadb-primary-lease",
  "mariadb-replication",
  "pgbouncer-hook",
  "replication-tls",
  "store-on-patroni",
  "two-person-rule-product",
  "witness-kept-connection",
].map((name) => `test/integration/${name}.test.ts`);
