import { DEMO_SERVICE_POLICY } from "@/prisma/seed/demo-topology";
import type { PolicyDocument } from "@/contracts/policy";
import type { PolicyReplica, PolicyTopology } from "./policy-topology";

const MIB = 1024 * 1024;

/** The demo service as the policy tests see it: US primary, sync EU standby, async EU standby lagging 3 MiB. */
export function demoTopology(overrides: Partial<PolicyTopology> = {}): PolicyTopology {
  const replica = (fields: Partial<PolicyReplica> & Pick<PolicyReplica, "name" | "regionId" | "jurisdiction">): PolicyReplica => ({
    serviceId: "orders-db",
    role: "standby",
    replication: "async",
    noPromote: false,
    writePrimary: false,
    lagBytes: 0,
    ...fields,
  });
  return {
    serviceId: "orders-db",
    regions: [
      { id: "aws:us-east-1", jurisdiction: "US" },
      { id: "aws:eu-west-1", jurisdiction: "EU" },
      { id: "gcp:europe-west3", jurisdiction: "EU" },
    ],
    datasets: ["orders", "order-history"],
    replicas: [
      replica({ name: "pg-us-east-1", regionId: "aws:us-east-1", jurisdiction: "US", role: "primary", replication: "sync", writePrimary: true, lagBytes: null }),
      replica({ name: "pg-eu-west-1", regionId: "aws:eu-west-1", jurisdiction: "EU", replication: "sync", lagBytes: 96 }),
      replica({ name: "pg-europe-west3", regionId: "gcp:europe-west3", jurisdiction: "EU", lagBytes: 3 * MIB }),
    ],
    ...overrides,
  };
}

/** The demo service's policy with `change` applied to a deep copy. */
export function demoPolicy(change: (document: PolicyDocument) => void = () => {}): PolicyDocument {
  const document = structuredClone(DEMO_SERVICE_POLICY);
  change(document);
  return document;
}
