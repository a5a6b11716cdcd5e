import { describe, expect, it } from "vitest";
import { discoverCommand } from "./commands/discover";
import { planCommand } from "./commands/runbooks";
import { parseKeyValues } from "./key-values";
import { parseInvocation, resolveConnection, splitCommand, TOKEN_ON_COMMAND_LINE } from "./parse-command-line";
import { UsageError } from "./usage-error";

describe("key=value runbook parameters", () => {
  it("splits at the first =, keeping later ones and empty values", () => {
    expect(parseKeyValues(["service=orders-db", "reason=a=b c", "note="])).toEqual({ service: "orders-db", reason: "a=b c", note: "" });
  });

  it("refuses a word without a name or given twice, naming it", () => {
    expect(() => parseKeyValues(["orders-db"])).toThrow(new UsageError('"orders-db" is not a parameter: write name=value, e.g. service=orders-db'));
    expect(() => parseKeyValues(["=x"])).toThrow(UsageError);
    expect(() => parseKeyValues(["a=1", "a=2"])).toThrow("parameter a is given twice");
  });
});

describe("the command line", () => {
  it("finds the command after global options and their values", () => {
    expect(splitCommand(["--url", "http://cp:3000", "--json", "status"])).toEqual({ name: "status", rest: ["--url", "http://cp:3000", "--json"] });
    expect(splitCommand(["--token", "status"])).toEqual({ name: null, rest: ["--token", "status"] });
  });

  it("parses positionals and options, and refuses unknown options and wrong counts", () => {
    expect(parseInvocation(planCommand, ["planned-switchover", "service=orders-db", "--json"])).toEqual({
      args: ["planned-switchover", "service=orders-db"],
      options: { json: true },
    });
    expect(() => parseInvocation(planCommand, ["x", "--bogus"])).toThrow(/Unknown option '--bogus'/);
    expect(() => parseInvocation(planCommand, [])).toThrow("missing argument; usage: switchyard plan <runbookId> name=value …");
  });

  it("collects every value of an option given more than once, in order", () => {
    expect(parseInvocation(discoverCommand, ["--primary", "postgresql://a", "--standby", "postgresql://b", "-o", "f.yaml", "--standby", "postgresql://c"])).toEqual({
      args: [],
      options: { primary: "postgresql://a", standby: ["postgresql://b", "postgresql://c"], output: "f.yaml" },
    });
  });

  it("reads the token from --token-file or SWITCHYARD_TOKEN_FILE, and warns when it is given on the command line", () => {
    const files: Record<string, string> = { "/run/token": "sy_file\n", "/run/empty": "" };
    const warnings: string[] = [];
    const reading = {
      readText: (file: string) => {
        if (!(file in files)) throw new Error(`ENOENT: no such file, open '${file}'`);
        return files[file]!;
      },
      warn: (message: string) => warnings.push(message),
    };
    expect(resolveConnection({ "token-file": "/run/token", token: "sy_flag" }, { SWITCHYARD_TOKEN: "sy_env" }, reading).token).toBe("sy_file");
    expect(resolveConnection({}, { SWITCHYARD_TOKEN_FILE: "/run/token" }, reading).token).toBe("sy_file");
    expect(resolveConnection({}, { SWITCHYARD_TOKEN: "sy_env", SWITCHYARD_TOKEN_FILE: "/run/token" }, reading).token).toBe("sy_env");
    expect(warnings).toEqual([]);
    expect(resolveConnection({ token: "sy_flag" }, { SWITCHYARD_TOKEN: "sy_env" }, reading).token).toBe("sy_flag");
    expect(warnings).toEqual([TOKEN_ON_COMMAND_LINE]);
    expect(TOKEN_ON_COMMAND_LINE).toMatch(/ps.*SWITCHYARD_TOKEN or --token-file/);
    expect(() => resolveConnection({ "token-file": "/run/empty" }, {}, reading)).toThrow(/--token-file \/run\/empty: the file is empty/);
    expect(() => resolveConnection({ "token-file": "/nope" }, {}, reading)).toThrow(UsageError);
  });

  it("takes --url/--token over the environment, and the default URL without either", () => {
    expect(resolveConnection({}, {})).toEqual({ baseUrl: "http://localhost:3000", token: null });
    expect(resolveConnection({}, { SWITCHYARD_URL: "http://cp:8080/", SWITCHYARD_TOKEN: "t1" })).toEqual({ baseUrl: "http://cp:8080", token: "t1" });
    expect(resolveConnection({ url: "http://other", token: "t2" }, { SWITCHYARD_URL: "http://cp", SWITCHYARD_TOKEN: "t1" })).toEqual({ baseUrl: "http://other", token: "t2" });
  });
});
