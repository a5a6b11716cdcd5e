import "server-only";
import { errorResponse } from "../http/api-response";

/** The 409 answer to a batch holding sequence numbers already stored, by POST or on a stream. */
export function alreadyStoredResponse(lastSeq: number, firstSeq: number): Response {
  return errorResponse(
    409,
    { code: "conflict", message: `Reports up to seq ${lastSeq} are already stored; this batch starts at ${firstSeq}. Nothing of it was written.` },
    undefined,
    { lastSeq },
  );
}
