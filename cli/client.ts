import { ApiInputError, type SuccessOf } from "@/client/api-client";
import { CopiesClient } from "@/client/copies";
import type { WireInput } from "@/client/operation-path";
import type { OperationId } from "@/contracts/operations";
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

/**
 * The CLI's side of the API client: the control plane's copies (moved
 * between as client/copies.ts says) and a bearer token, and the CLI's own
 * wording for a refused input.
 */
export class Client {
  private readonly copies: CopiesClient;

  constructor(readonly connection: Connection) {
    try {
      this.copies = new CopiesClient(connection.baseUrl, connection.token);
    } catch (error) {
      throw new UsageError(`the control plane's URL: ${(error as Error).message}`);
    }
  }

  async call<K extends OperationId>(id: K, input: CallInput = {}): Promise<SuccessOf<K>> {
    return asUsage(this.copies.onSomeCopy(id, (api) => api.callUntyped(id, input)));
  }

  /** For answers that are files, not JSON: hands each chunk on as it arrives instead of holding the whole body. */
  async stream(id: OperationId, input: CallInput, sink: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const response = await asUsage(this.copies.onSomeCopy(id, (api) => api.open(id, input)));
    const reader = response.body?.getReader();
    if (!reader) return;
    for (let read = await reader.read(); !read.done; read = await reader.read()) await sink(read.value);
  }
}
