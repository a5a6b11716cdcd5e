import { z } from "zod";
import { IN_PLACE_RESTART_STATES } from "@/core/agents/in-place-restart";

/** One of a service's recent in-place restarts as its page lists it. */
export const inPlaceRestartViewSchema = z
  .strictObject({
    id: z.string(),
    replicaName: z.string(),
    state: z.enum(IN_PLACE_RESTART_STATES),
    /** The rule of core/agents/in-place-restart.ts that decided it. */
    rule: z.string(),
    detail: z.string().nullable(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "InPlaceRestartView" });

export type InPlaceRestartView = z.infer<typeof inPlaceRestartViewSchema>;
