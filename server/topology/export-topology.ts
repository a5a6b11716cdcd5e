import "server-only";
import { stringify } from "yaml";
import { fleetDocumentSchema, type FleetDocument } from "@/contracts/topology";
import { liveTopology } from "./live-topology";

/** The live topology as a fleet document: what `switchyard export` writes and `apply` takes back unchanged. */
export async function liveFleetDocument(): Promise<FleetDocument> {
  const { regions, services } = await liveTopology();
  return fleetDocumentSchema.parse({ version: 1, regions, services });
}

const YAML_HEADER =
  "# Switchyard fleet document: `switchyard plan -f` shows what applying it changes, `switchyard apply -f` applies it.\n# yaml-language-server: $schema=/api/v1/schemas/fleet.json\n";

/** The same as YAML, as the export and the console's Topology page show it. */
export async function liveFleetYaml(): Promise<string> {
  return YAML_HEADER + stringify(await liveFleetDocument(), { lineWidth: 0 });
}

export async function exportTopology(format: "yaml" | "json"): Promise<Response> {
  if (format === "json") return Response.json(await liveFleetDocument());
  return new Response(await liveFleetYaml(), { headers: { "content-type": "application/yaml; charset=utf-8" } });
}
