import { z } from "zod";

export const API_ERROR_CODES = [
  "invalid_json",
  "client_closed",
  "validation_failed",
  "unauthenticated",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "store_unavailable",
  "overloaded",
  "internal",
] as const;

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      field: z.string().optional().meta({ description: "Dotted path of the offending field, when one is to blame" }),
    }),
  })
  .meta({ id: "Error", description: "Every error answer has this shape." });

export type ApiError = z.infer<typeof apiErrorSchema>;
