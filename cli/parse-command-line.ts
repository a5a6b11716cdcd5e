import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Command, OptionSpec, OptionValue } from "./command";
import { UsageError } from "./usage-error";

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: "string", description: "Control plane URL, or several copies' separated by commas (default $SWITCHYARD_URL, else http://localhost:3000)" },
  "token-file": { type: "string", description: "File holding the API token (default $SWITCHYARD_TOKEN_FILE)" },
  token: { type: "string", description: "API token (default $SWITCHYARD_TOKEN); ps shows it to everyone on this machine, prefer the variable or --token-file" },
  json: { type: "boolean", description: "Print the validated JSON answer instead of a table" },
  help: { type: "boolean", short: "h", description: "Show this command's usage" },
};

const TAKES_VALUE = new Set(Object.entries(GLOBAL_OPTIONS).flatMap(([name, spec]) => (spec.type === "string" ? [`--${name}`] : [])));

/** The command word may come after global options (`--url … status`), so skip them and their values. */
export function splitCommand(argv: readonly string[]): { name: string | null; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (TAKES_VALUE.has(arg)) index++;
    else if (!arg.startsWith("-")) return { name: arg, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
  }
  return { name: null, rest: [...argv] };
}

export interface ParsedInvocation {
  args: string[];
  options: Record<string, OptionValue>;
}

export function parseInvocation(command: Command, argv: readonly string[]): ParsedInvocation {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}`);
  }
  const [min, max] = command.arity;
  const count = parsed.positionals.length;
  if (!parsed.values.help && (count < min || count > max)) {
    const extra = parsed.positionals[max];
    throw new UsageError(
      count < min ? `missing argument; usage: switchyard ${command.usage}` : `unexpected argument "${extra}"; usage: switchyard ${command.usage}`,
    );
  }
  return { args: parsed.positionals, options: parsed.values };
}

export interface ConnectionSettings {
  baseUrl: string;
  token: string | null;
}

export interface TokenReading {
  readText: (file: string) => string;
  /** Told when the token was given on the command line. */
  warn: (message: string) => void;
}

const defaultReading: TokenReading = { readText: (file) => readFileSync(file, "utf8"), warn: () => {} };

export const TOKEN_ON_COMMAND_LINE =
  "warning: --token puts the token where every user of this machine can read it (ps, /proc) and in shell history; use SWITCHYARD_TOKEN or --token-file instead";

function tokenFromFile(flag: string, file: string, reading: TokenReading): string {
  let text: string;
  try {
    text = reading.readText(file);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (!token) throw new UsageError(`${flag} ${file}: the file is empty`);
  return token;
}

/**
 * Where to connect, and the token: --token-file, then --token (with a
 * warning: `ps` shows it), then SWITCHYARD_TOKEN, then SWITCHYARD_TOKEN_FILE.
 */
export function resolveConnection(options: ParsedInvocation["options"], env: Readonly<Record<string, string | undefined>>, reading: TokenReading = defaultReading): ConnectionSettings {
  const url = typeof options.url === "string" ? options.url : env.SWITCHYARD_URL || "http://localhost:3000";
  let token: string | null = null;
  if (typeof options["token-file"] === "string") token = tokenFromFile("--token-file", options["token-file"], reading);
  else if (typeof options.token === "string") {
    reading.warn(TOKEN_ON_COMMAND_LINE);
    token = options.token;
  } else if (env.SWITCHYARD_TOKEN) token = env.SWITCHYARD_TOKEN;
  else if (env.SWITCHYARD_TOKEN_FILE) token = tokenFromFile("SWITCHYARD_TOKEN_FILE", env.SWITCHYARD_TOKEN_FILE, reading);
  return { baseUrl: url.replace(/\/+$/, ""), token };
}

export const MISSING_TOKEN =
  "No API token: set SWITCHYARD_TOKEN (or SWITCHYARD_TOKEN_FILE), or pass --token-file. Get one in the console under Settings → API tokens, or with POST /api/v1/auth/tokens (README, \"Using it\").";
