import "server-only";
import { stringify } from "yaml";
import { fleetDocumentSchema, type FleetDocument } from "@/contracts/topology";
import { liveTopology } from "./live-topology";

/** The live topology as a fleet document: what `switchyard export` writes and `apply` takes back unchanged. */
export async function liveFleetDocument(): Promise<FleetDocument> {
  const { regions, services } = await liveTopology();
  return fleetDocumentSchema.parse({ version: 1, regions, services });
}

export async function exportTopology(format: "yaml" | "json"): Promise<Response> {
  const document = await liveFleetDocument();
  if (format === "json") return Response.json(document);
  const header = "# Switchyard fleet document: `switchyard plan -f` shows what applying it changes, `switchyard apply -f` applies it.\n# yaml-language-server: $schema=/api/v1/schemas/fleet.json\n";
  return new Response(header + stringify(document, { lineWidth: 0 }), { headers: { "content-type": "application/yaml; charset=utf-8" } });
}
