import { ApiClientError } from "@/client/api-client";
import { Client } from "@/cli/client";
import { findReplica } from "./topology";
import { labFleetDocument, type LabEndpointInfo } from "./fleet";

export interface LabOnboarding {
  /** What onboarding did, in a line. */
  said: string;
  /** Issues a single-use enrollment token for the lab agent of a replica, as an admin would (audited). */
  enrollmentToken(replicaName: string): Promise<string>;
}

const fetchService = (client: Client, id: string) => client.call("getService", { params: { id } });
type ServiceAnswer = Awaited<ReturnType<typeof fetchService>>;

/** The service as the control plane knows it; null when it does not. */
async function knownService(client: Client, id: string): Promise<ServiceAnswer | null> {
  return fetchService(client, id).catch((error: unknown) => {
    if (error instanceof ApiClientError && error.status === 404) return null;
    throw error;
  });
}

/**
 * The lab puts itself under the control plane the way a user puts their own
 * cluster under it: a fleet document naming the services it runs that the
 * store does not know yet, through `POST /api/v1/topology/apply` (a new
 * service is created by the admin directly; services it does not name are
 * left alone), and one enrollment token per agent through the API. Once per
 * service: after that its topology is the users' (a change they had
 * approved must not be proposed back at the next start), and the lab only
 * keeps endpoints where its clusters listen.
 */
export async function onboardLab(connection: { baseUrl: string; token: string }, endpoints: readonly (LabEndpointInfo & { serviceId: string })[]): Promise<LabOnboarding> {
  const client = new Client(connection);
  const getService = (id: string) => knownService(client, id);
  const serviceIds = [...new Set(endpoints.map((endpoint) => endpoint.serviceId))];
  const known = new Map<string, ServiceAnswer | null>();
  for (const id of serviceIds) known.set(id, await getService(id));
  const missing = serviceIds.filter((id) => !known.get(id));
  const said: string[] = [];
  const declaredBefore = serviceIds.filter((id) => known.get(id));
  if (declaredBefore.length) said.push(`${declaredBefore.join(", ")} declared before; left as ${declaredBefore.length === 1 ? "it is" : "they are"}`);
  if (missing.length) {
    const applied = await client.call("applyTopology", {
      body: {
        document: labFleetDocument(endpoints.filter((endpoint) => missing.includes(endpoint.serviceId))),
        reason: `the lab declares its regions and ${missing.join(", ")}, as a user declares their cluster`,
      },
    });
    said.push(`applied ${applied.applied.join(", ")}`);
    for (const id of missing) known.set(id, await getService(id));
  }
  for (const [id, service] of known) if (service?.retiredAt) said.push(`${id} was retired at ${service.retiredAt}; its agents cannot enroll`);
  return {
    said: said.join("; "),
    async enrollmentToken(replicaName) {
      const { serviceId } = findReplica(replicaName);
      const service = known.get(serviceId);
      if (!service) throw new Error(`the lab did not onboard ${serviceId}, so it has no replica ${replicaName}`);
      if (service.retiredAt) throw new Error(`${serviceId} was retired at ${service.retiredAt}, so the lab cannot enroll its agents: start the lab on a new data folder (SWITCHYARD_DATA_DIR)`);
      const replica = service.replicas.find((candidate) => candidate.name === replicaName);
      if (!replica) throw new Error(`${serviceId} has no replica ${replicaName}`);
      return (await client.call("issueEnrollmentToken", { params: { id: replica.id }, body: {} })).token;
    },
  };
}
