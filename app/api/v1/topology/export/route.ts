import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { exportTopology } from "@/server/topology/export-topology";

export const GET = apiRoute(OPERATIONS.exportTopology, ({ query }) => exportTopology(query.format));
