import { ApiClient, ApiClientError, ApiInputError, type SuccessOf } from "@/client/api-client";
import type { WireInput } from "@/client/operation-path";
import { decideMove, nextCopy, parseControlPlaneUrls, type RequestOutcome } from "@/core/control-planes/move-rules";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { UsageError } from "./usage-error";

export interface Connection {
  /** The control plane's URL, or several copies' separated by commas: the first is asked first. */
  baseUrl: string;
  token: string;
}

/** What a command read from its words: the operation's schemas decide whether it fits. */
export type CallInput = WireInput;

/** A refused input is the caller's mistake, reported before anything was sent (exit code 2), not the API's refusal. */
async function asUsage<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** What a failed request came to, for the move rules; null for a failure no other copy would change (a refused input, an unreadable answer). */
function outcomeOf(error: unknown): RequestOutcome | null {
  if (error instanceof ApiInputError) return null;
  if (error instanceof ApiClientError) return { kind: "answer", status: error.status };
  // fetch fails with a TypeError whose cause is Node's network error (ECONNREFUSED…).
  if (error instanceof TypeError && error.cause instanceof Error) {
    const code = (error.cause as { code?: unknown }).code;
    return { kind: "error", code: typeof code === "string" ? code : null, message: error.cause.message };
  }
  return null;
}

/**
 * The CLI's side of the API client: the control plane's copies and a bearer
 * token, and the CLI's own wording for a refused input. A copy that is gone
 * or failing is left for the next as core/control-planes/move-rules.ts says:
 * a read is asked again of the next copy, a change only when the first copy
 * surely never received it.
 */
export class Client {
  private readonly apis: ApiClient[];
  private current = 0;

  constructor(readonly connection: Connection) {
    const parsed = parseControlPlaneUrls(connection.baseUrl);
    if (!parsed.ok) throw new UsageError(`the control plane's URL: ${parsed.error}`);
    this.apis = parsed.urls.map((baseUrl) => new ApiClient({ baseUrl, token: connection.token }));
  }

  async call<K extends OperationId>(id: K, input: CallInput = {}): Promise<SuccessOf<K>> {
    return asUsage(this.onSomeCopy(id, (api) => api.callUntyped(id, input)));
  }

  /** For answers that are files, not JSON: hands each chunk on as it arrives instead of holding the whole body. */
  async stream(id: OperationId, input: CallInput, sink: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const response = await asUsage(this.onSomeCopy(id, (api) => api.open(id, input)));
    const reader = response.body?.getReader();
    if (!reader) return;
    for (let read = await reader.read(); !read.done; read = await reader.read()) await sink(read.value);
  }

  private async onSomeCopy<T>(id: OperationId, request: (api: ApiClient) => Promise<T>): Promise<T> {
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
