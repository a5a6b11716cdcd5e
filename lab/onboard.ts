import { Client } from "@/cli/client";
import { DEMO_SERVICE } from "@/prisma/seed/demo-topology";
import { labFleetDocument, type LabEndpointInfo } from "./fleet";

export interface LabOnboarding {
  /** What applying the lab's fleet document did, in a line. */
  said: string;
  /** Issues a single-use enrollment token for the lab agent of a replica, as an admin would (audited). */
  enrollmentToken(replicaName: string): Promise<string>;
}

/**
 * The lab puts itself under the control plane the way a user puts their own
 * cluster under it: its fleet document through `POST /api/v1/topology/apply`
 * (a new service is created by the admin directly; a later change that can
 * alter a failover becomes a change request like anyone's), and one
 * enrollment token per agent through the API.
 */
export async function onboardLab(connection: { baseUrl: string; token: string }, endpoints: readonly LabEndpointInfo[]): Promise<LabOnboarding> {
  const client = new Client(connection);
  const applied = await client.call("applyTopology", {
    body: { document: labFleetDocument(endpoints), reason: "the lab declares its regions and orders-db, as a user declares their cluster" },
  });
  const parts = [
    applied.applied.length ? `applied ${applied.applied.join(", ")}` : "already in place",
    ...applied.changeRequests.map((request) => `change request ${request.id} for ${request.scope} awaits ${request.requiredApprovals} approval(s)`),
  ];
  const service = await client.call("getService", { params: { id: DEMO_SERVICE.id } });
  return {
    said: parts.join("; "),
    async enrollmentToken(replicaName) {
      const replica = service.replicas.find((candidate) => candidate.name === replicaName);
      if (!replica) throw new Error(`${DEMO_SERVICE.id} has no replica ${replicaName}`);
      return (await client.call("issueEnrollmentToken", { params: { id: replica.id }, body: {} })).token;
    },
  };
}
