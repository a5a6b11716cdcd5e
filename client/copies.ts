import { decideMove, nextCopy, parseControlPlaneUrls, type RequestOutcome } from "@/core/control-planes/move-rules";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { ApiClient, ApiClientError, ApiInputError } from "./api-client";

/** What a failed request came to, for the move rules; null for a failure no other copy would change (a refused input, an unreadable answer). */
function outcomeOf(error: unknown): RequestOutcome | null {
  if (error instanceof ApiInputError) return null;
  if (error instanceof ApiClientError) return { kind: "answer", status: error.status };
  if (error instanceof DOMException && error.name === "TimeoutError") return { kind: "timeout" };
  // fetch fails with a TypeError whose cause is Node's network error (ECONNREFUSED…).
  if (error instanceof TypeError && error.cause instanceof Error) {
    const code = (error.cause as { code?: unknown }).code;
    return { kind: "error", code: typeof code === "string" ? code : null, message: error.cause.message };
  }
  return null;
}

/**
 * The API client over several control-plane copies (the CLI, the lab's
 * workload): one ApiClient per copy, the current one asked first, and a copy
 * that is gone or failing left for the next as core/control-planes/move-rules.ts
 * says: a read is asked again of the next copy, a change only when the first
 * copy surely never received it.
 */
export class CopiesClient {
  private readonly apis: ApiClient[];
  private current = 0;

  /** `baseUrls`: one URL, or several separated by commas; throws naming what is wrong with it. */
  constructor(baseUrls: string, token: string) {
    const parsed = parseControlPlaneUrls(baseUrls);
    if (!parsed.ok) throw new Error(parsed.error);
    this.apis = parsed.urls.map((baseUrl) => new ApiClient({ baseUrl, token }));
  }

  /** Runs `request` of operation `id` on the current copy, then on the next ones as the move rules allow. */
  async onSomeCopy<T>(id: OperationId, request: (api: ApiClient) => Promise<T>): Promise<T> {
    const idempotent = OPERATIONS[id].method === "GET";
    for (let tries = 1; ; tries++) {
      try {
        return await request(this.apis[this.current]!);
      } catch (error) {
        const outcome = outcomeOf(error);
        const decision = outcome && decideMove(outcome, idempotent, this.apis.length);
        if (decision?.move) this.current = nextCopy(this.current, this.apis.length);
        if (!decision?.resend || tries >= this.apis.length) throw error;
      }
    }
  }
}
