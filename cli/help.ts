import type { Command } from "./command";
import { table } from "./format";
import { GLOBAL_OPTIONS } from "./parse-command-line";

export function overallHelp(commands: readonly Command[]): string {
  return [
    "switchyard — the Switchyard control plane from a terminal",
    "",
    "Usage: switchyard <command> [arguments] [--json] [--url URL] [--token-file FILE]",
    "",
    table(["COMMAND", "WHAT IT DOES"], commands.map((command) => [command.usage.split(" ")[0] ?? command.name, command.summary])),
    "",
    "Configuration: SWITCHYARD_URL (default http://localhost:3000; several copies' URLs separated by commas to move between) and SWITCHYARD_TOKEN (or SWITCHYARD_TOKEN_FILE), or --url / --token-file.",
    "(--token TOKEN works too, but ps shows it to every user of the machine.)",
    "Exit codes: 0 done, 1 the API refused or the run did not succeed, 2 bad usage or no token.",
    "`switchyard <command> --help` shows a command's options and examples.",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  return [
    `Usage: switchyard ${command.usage}`,
    "",
    command.summary,
    "",
    "Options:",
    table(
      ["", ""],
      Object.entries(options).map(([name, spec]) => [`  ${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` <value>${spec.multiple ? " …" : ""}` : ""}`, spec.description]),
    )
      .split("\n")
      .slice(1)
      .join("\n"),
    "",
    "Examples:",
    ...command.examples.map((example) => `  ${example}`),
  ].join("\n");
}
