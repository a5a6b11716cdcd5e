import { z } from "zod";
import { apiErrorSchema } from "@/contracts/errors";
import { OPERATIONS, type ApiOperation, type OperationId } from "@/contracts/operations";
import { issueMessage, operationPath, type InputPart, type WireInput } from "./operation-path";

/** An API answer other than success, with the server's own message. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

/** The answer the server would have given (400, the same message and field), found before sending: nothing was sent. */
export class ApiInputError extends ApiClientError {
  constructor(
    readonly where: InputPart,
    error: z.core.$ZodError,
  ) {
    const field = error.issues[0]?.path.map(String).join(".") || undefined;
    super(400, "validation_failed", issueMessage(error, where), field);
    this.name = "ApiInputError";
  }
}

/** A success answer that the operation's own schema refuses: this client and the server disagree on the contract. */
export class ApiAnswerError extends Error {
  constructor(what: string, error: z.core.$ZodError) {
    super(`${what} answered a shape this client does not read (${issueMessage(error, "body")})`);
    this.name = "ApiAnswerError";
  }
}

export interface ApiConnection {
  /** Empty in the browser (same origin); the control plane's URL elsewhere. */
  baseUrl?: string;
  /** An API token, for scripts; the browser sends its session cookie instead. */
  token?: string;
}

type Operations = typeof OPERATIONS;
type SchemaOf<K extends OperationId, Part extends "params" | "query" | "body"> = Operations[K] extends { [P in Part]: infer S extends z.core.$ZodType } ? S : never;

/** Path and query values travel as strings; each keeps the type its schema narrows it to (an enum's names, say). */
type Strings<S extends z.core.$ZodType> = { [N in keyof z.input<S>]: z.input<S>[N] & (string | undefined) };
type ParamsOf<K extends OperationId> = [SchemaOf<K, "params">] extends [never] ? never : Strings<SchemaOf<K, "params">>;
type QueryOf<K extends OperationId> = [SchemaOf<K, "query">] extends [never] ? never : Strings<SchemaOf<K, "query">>;
export type OperationBody<K extends OperationId> = [SchemaOf<K, "body">] extends [never] ? never : z.input<SchemaOf<K, "body">>;

/** Absent when the operation takes none, optional when nothing in it is required. */
type Slot<Name extends string, T, Optional extends boolean> = [T] extends [never] ? { [N in Name]?: undefined } : Optional extends true ? { [N in Name]?: T } : { [N in Name]: T };

/** What `call(id, …)` takes for operation `id`, typed from the operation's own schemas. */
export type OperationInput<K extends OperationId> = Slot<"params", ParamsOf<K>, false> &
  Slot<"query", QueryOf<K>, {} extends QueryOf<K> ? true : false> &
  Slot<"body", OperationBody<K>, undefined extends OperationBody<K> ? true : false> & { signal?: AbortSignal };

type InputArgs<K extends OperationId> = {} extends OperationInput<K> ? [input?: OperationInput<K>] : [input: OperationInput<K>];

export type SuccessOf<K extends OperationId> = Operations[K]["success"] extends { schema: infer S extends z.core.$ZodType } ? z.output<S> : never;

/**
 * One client for the API, built on the operation table: the console (same
 * origin, its session cookie) and the CLI (a base URL and a token) call
 * operations by id; the input is checked with the operation's schemas before
 * anything is sent and the answer with its success schema, so the UI, the CLI
 * and the server read the same shapes.
 */
export class ApiClient {
  constructor(readonly connection: ApiConnection = {}) {}

  /** The operation's JSON answer, checked with its success schema. */
  call<K extends OperationId>(id: K, ...[input]: InputArgs<K>): Promise<SuccessOf<K>> {
    return this.callUntyped(id, (input ?? {}) as WireInput & { signal?: AbortSignal });
  }

  /**
   * The same for an input only known at run time (a command line's words, a
   * document a person typed): the operation's schemas refuse what does not
   * fit before anything is sent, as they do for `call`.
   */
  async callUntyped<K extends OperationId>(id: K, input: WireInput & { signal?: AbortSignal }): Promise<SuccessOf<K>> {
    const op: ApiOperation = OPERATIONS[id];
    const schema = op.success.schema;
    if (!schema) throw new Error(`${id} answers no JSON to read`);
    const { response, what } = await this.send(op, input, "application/json");
    const parsed = z.safeParse(schema, await response.json().catch(() => undefined));
    if (!parsed.success) throw new ApiAnswerError(what, parsed.error);
    return parsed.data as SuccessOf<K>;
  }

  /** An answer that is a file rather than JSON (a YAML export), as text. */
  async text<K extends OperationId>(id: K, accept: string, ...[input]: InputArgs<K>): Promise<string> {
    const { response } = await this.send(OPERATIONS[id], (input ?? {}) as WireInput, accept);
    return response.text();
  }

  /** For answers too large to hold: the successful response, whose body the caller reads as it arrives. */
  async open(id: OperationId, input: WireInput & { signal?: AbortSignal }): Promise<Response> {
    return (await this.send(OPERATIONS[id], input, "*/*")).response;
  }

  /** Where a link to the operation points (a download the browser saves itself), its input checked first. */
  href<K extends OperationId>(id: K, ...[input]: InputArgs<K>): string {
    return `${this.connection.baseUrl ?? ""}${checkedPath(OPERATIONS[id], (input ?? {}) as WireInput)}`;
  }

  private async send(op: ApiOperation, input: WireInput & { signal?: AbortSignal }, accept: string): Promise<{ response: Response; what: string }> {
    const path = checkedPath(op, input);
    const what = `${op.method} ${path}`;
    const headers: Record<string, string> = { accept };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (input.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.connection.baseUrl ?? ""}${path}`, {
      method: op.method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: input.signal,
      credentials: "same-origin",
    });
    if (response.ok) return { response, what };
    const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new ApiClientError(response.status, "internal", `${what} answered ${response.status}`);
    const { code, message, field } = parsed.data.error;
    throw new ApiClientError(response.status, code, message, field);
  }
}

function checkedPath(op: ApiOperation, input: WireInput): string {
  const checked = operationPath(op, input);
  if (!checked.ok) throw new ApiInputError(checked.where, checked.error);
  return checked.path;
}

/** The console's client: same origin, the session cookie. */
export const api = new ApiClient();
