import { readFileSync } from "node:fs";
import { ApiClientError } from "@/client/api-client";
import { Client } from "./client";
import type { Command, Io } from "./command";
import { COMMANDS } from "./commands";
import { commandHelp, overallHelp } from "./help";
import { MISSING_TOKEN, parseInvocation, resolveConnection, splitCommand } from "./parse-command-line";
import { UsageError } from "./usage-error";

export interface Environment {
  io: Io;
  env: Readonly<Record<string, string | undefined>>;
}

function find(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/**
 * Runs one command line and answers its exit code: 0 done, 1 the API refused
 * (or a watched run did not succeed), 2 bad usage. Every failure is one line
 * on stderr, never a stack trace, since the reader is a person under pressure
 * or a script checking `$?`.
 */
export async function runCli(argv: readonly string[], { io, env }: Environment): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (name === null || name === "help") {
    const topic = name === "help" ? splitCommand(rest).name : null;
    const command = topic ? find(topic) : undefined;
    if (topic && !command) {
      io.err(`switchyard: unknown command "${topic}"; see switchyard help`);
      return 2;
    }
    io.out(command ? commandHelp(command) : overallHelp(COMMANDS));
    return name === null && !rest.some((arg) => arg === "--help" || arg === "-h") ? 2 : 0;
  }
  const command = find(name);
  if (!command) {
    io.err(`switchyard: unknown command "${name}"; see switchyard help`);
    return 2;
  }
  try {
    const parsed = parseInvocation(command, rest);
    if (parsed.options.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const connection = resolveConnection(parsed.options, env, { readText: (file) => readFileSync(file, "utf8"), warn: io.err });
    if (!connection.token) {
      io.err(MISSING_TOKEN);
      return 2;
    }
    const client = new Client({ baseUrl: connection.baseUrl, token: connection.token });
    const code = await command.run({ ...parsed, json: parsed.options.json === true, client, io });
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`switchyard ${command.name}: ${error.message}`);
      return 2;
    }
    if (error instanceof ApiClientError) {
      io.err(`switchyard ${command.name}: ${error.message} (HTTP ${error.status}${error.code === "internal" ? "" : `, ${error.code}`})`);
      return 1;
    }
    io.err(`switchyard ${command.name}: ${describe(error)}`);
    return 1;
  }
}

/** Network failures and unexpected answers, named without a stack. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
