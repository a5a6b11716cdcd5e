import { z } from "zod";

export const healthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    store: z.object({
      status: z.enum(["up", "down"]),
      latencyMs: z.number().nullable(),
      error: z.string().optional(),
    }),
    version: z.string(),
    time: z.iso.datetime(),
  })
  .meta({ id: "Health" });

export type Health = z.infer<typeof healthSchema>;
