import { ApiClientError } from "@/client/api-client";
import { Client } from "@/cli/client";
import { DEMO_SERVICE } from "@/prisma/seed/demo-topology";
import { labFleetDocument, type LabEndpointInfo } from "./fleet";

export interface LabOnboarding {
  /** What onboarding did, in a line. */
  said: string;
  /** Issues a single-use enrollment token for the lab agent of a replica, as an admin would (audited). */
  enrollmentToken(replicaName: string): Promise<string>;
}

/**
 * The lab puts itself under the control plane the way a user puts their own
 * cluster under it: its fleet document through `POST /api/v1/topology/apply`
 * (a new service is created by the admin directly) and one enrollment token
 * per agent through the API. Only once: after that the topology is the
 * users' (a change they had approved must not be proposed back at the next
 * start), and the lab only keeps endpoints where its clusters listen.
 */
export async function onboardLab(connection: { baseUrl: string; token: string }, endpoints: readonly LabEndpointInfo[]): Promise<LabOnboarding> {
  const client = new Client(connection);
  const getService = () => client.call("getService", { params: { id: DEMO_SERVICE.id } });
  let service = await getService().catch((error: unknown) => {
    if (error instanceof ApiClientError && error.status === 404) return null;
    throw error;
  });
  let said = `${DEMO_SERVICE.id} declared before; left as it is`;
  if (!service) {
    const applied = await client.call("applyTopology", {
      body: { document: labFleetDocument(endpoints), reason: "the lab declares its regions and orders-db, as a user declares their cluster" },
    });
    said = `applied ${applied.applied.join(", ")}`;
    service = await getService();
  }
  const { replicas, retiredAt } = service;
  if (retiredAt) said = `${DEMO_SERVICE.id} was retired at ${retiredAt}; its agents cannot enroll`;
  return {
    said,
    async enrollmentToken(replicaName) {
      if (retiredAt) throw new Error(`${DEMO_SERVICE.id} was retired at ${retiredAt}, so the lab cannot enroll its agents: start the lab on a new data folder (SWITCHYARD_DATA_DIR)`);
      const replica = replicas.find((candidate) => candidate.name === replicaName);
      if (!replica) throw new Error(`${DEMO_SERVICE.id} has no replica ${replicaName}`);
      return (await client.call("issueEnrollmentToken", { params: { id: replica.id }, body: {} })).token;
    },
  };
}
