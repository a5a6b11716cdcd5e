import * as z from "zod/mini";

export const healthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    store: z.object({
      status: z.enum(["up", "down"]),
      latencyMs: z.nullable(z.number()),
      error: z.optional(z.string()),
    }),
    version: z.string(),
    time: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: "Health" });

export type Health = z.infer<typeof healthSchema>;
