import { z } from "zod";
import { regionSchema } from "./services";

export const regionMatrixCellSchema = z
  .object({
    from: z.string().meta({ description: "Region of the witnesses" }),
    to: z.string().meta({ description: "Region of the probed replicas" }),
    probes: z.number().int().meta({ description: "Witness links from `from` into `to` (one per witness and probed replica)" }),
    reachableProbes: z.number().int(),
    reachability: z.enum(["all", "some", "none"]).meta({ description: "Whether all, some or none of the probes got through at their last attempt" }),
    rttMs: z
      .object({ median: z.number().nullable(), max: z.number().nullable() })
      .meta({ description: "Round-trip time (connect + SELECT 1) of the probes that got through, in milliseconds" }),
    lastObservedAt: z.iso.datetime().meta({ description: "The newest probe of the cell (agent clock)" }),
    stale: z.boolean().meta({ description: "No probe of the cell is within its service's staleness window" }),
  })
  .meta({ id: "RegionMatrixCell" });

export const regionMatrixSchema = z
  .object({
    regions: z.array(regionSchema).meta({ description: "Every region, in the order of the matrix's rows and columns" }),
    cells: z.array(regionMatrixCellSchema).meta({ description: "Region pairs with at least one witness link; a missing pair is not probed" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "RegionMatrix" });

export type RegionMatrix = z.infer<typeof regionMatrixSchema>;
export type RegionMatrixCellView = z.infer<typeof regionMatrixCellSchema>;
