import * as z from "zod/mini";

/**
 * The acknowledgement line an agent's long-lived streams (report stream:
 * contracts/agent-report-stream.ts; lease stream: contracts/lease-stream.ts)
 * answer each of their lines with: what the line's POST would have answered.
 */
/** Both streams' lines, each way: newline-delimited JSON. */
export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

export const streamAckSchema = z
  .strictObject({
    /** What the POST would have answered: 200, 409, 400, 401, 413, 503… */
    status: z.int().check(z.gte(100), z.lte(599)),
    /** Its body: the operation's answer, or an Error. */
    answer: z.unknown(),
  })
  .register(z.globalRegistry, { id: "StreamAck", description: "The control plane's answer to one line of an agent's stream (report batch or lease renewal), as its POST would have answered" });

export type StreamAck = z.infer<typeof streamAckSchema>;
