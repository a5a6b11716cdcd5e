import type { Client } from "./client";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** May be given more than once; the command gets every value, in order. */
  multiple?: boolean;
  description: string;
}

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

/** What a command sees: its words and options, the API, and where to write. */
export interface Invocation {
  args: string[];
  options: Record<string, OptionValue>;
  json: boolean;
  client: Client;
  io: Io;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Writes raw bytes to stdout, resolving once the stream can take more (back-pressure). */
  outBytes(chunk: Uint8Array): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export interface Command {
  name: string;
  summary: string;
  /** After `switchyard `, e.g. `service <id>`. */
  usage: string;
  examples: string[];
  options?: Record<string, OptionSpec>;
  /** Fewest and most words after the command name. */
  arity: [number, number];
  /** The exit code; 0 unless the command says otherwise. */
  run(invocation: Invocation): Promise<number | void>;
}

/** `--json` prints the validated answer itself; otherwise the readable rendering. */
export function show<T>(invocation: Invocation, value: T, render: (value: T) => string): void {
  invocation.io.out(invocation.json ? JSON.stringify(value, null, 2) : render(value));
}

export function stringOption(invocation: Invocation, name: string): string | undefined {
  const value = invocation.options[name];
  return typeof value === "string" ? value : undefined;
}

/** Every value of an option that may be repeated; none when it was not given. */
export function stringsOption(invocation: Invocation, name: string): string[] {
  const value = invocation.options[name];
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}
