import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_HOOKS_CONFIG } from "@/contracts/hooks";
import { endpointSecret, hooksConfig } from "@/server/hooks/hooks-config";

const folder = mkdtempSync(path.join(os.tmpdir(), "hooks-config-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const target = path.join(folder, name);
  writeFileSync(target, text);
  return target;
}

describe("the hooks configuration file", () => {
  it("is optional in the data folder, required where SWITCHYARD_HOOKS_FILE names it", () => {
    expect(hooksConfig({ SWITCHYARD_DATA_DIR: path.join(folder, "nowhere") })).toEqual(EMPTY_HOOKS_CONFIG);
    file("hooks.yaml", "scripts:\n  pgbouncer-repoint: {}\n");
    expect(hooksConfig({ SWITCHYARD_DATA_DIR: folder }).scripts).toEqual({ "pgbouncer-repoint": {} });
    expect(() => hooksConfig({ SWITCHYARD_HOOKS_FILE: path.join(folder, "missing.yaml") })).toThrow(/^cannot read the hooks configuration .*missing\.yaml: /);
  });

  it("is validated, naming the file and the field", () => {
    const broken = file("broken.yaml", "endpoints:\n  dns: { url: 'https://dns.example/hook', secret: short }\n");
    expect(() => hooksConfig({ SWITCHYARD_HOOKS_FILE: broken })).toThrow(`invalid hooks configuration ${broken}: endpoints.dns.secret: must be at least 32 characters`);
    const unknownKey = file("unknown.yaml", "endpoint: {}\n");
    expect(() => hooksConfig({ SWITCHYARD_HOOKS_FILE: unknownKey })).toThrow(/^invalid hooks configuration .*unknown\.yaml: \(root\): Unrecognized key: "endpoint"/);
    const notYaml = file("not-yaml.yaml", "endpoints: [\n");
    expect(() => hooksConfig({ SWITCHYARD_HOOKS_FILE: notYaml })).toThrow(/is not valid YAML/);
  });

  it("accepts the shipped example", () => {
    const env = { SWITCHYARD_HOOKS_FILE: "runbooks/hooks/hooks.example.yaml", CHANGE_FREEZE_HOOK_SECRET: "c".repeat(32), DNS_HOOK_SECRET: "d".repeat(32) };
    expect(hooksConfig(env).gates["orders-db"]).toMatchObject({ "pre-failover": { endpoint: "change-freeze" }, "post-failover": { script: "pgbouncer-repoint" } });
  });

  it("takes a secret from the environment variable an endpoint names, which must be set", () => {
    const fromEnv = file("env.yaml", "endpoints:\n  dns: { url: 'https://dns.example/hook', secretEnv: DNS_HOOK_SECRET }\n");
    expect(() => hooksConfig({ SWITCHYARD_HOOKS_FILE: fromEnv })).toThrow(`invalid hooks configuration ${fromEnv}: endpoints.dns.secretEnv: DNS_HOOK_SECRET is not set`);
    const env = { SWITCHYARD_HOOKS_FILE: fromEnv, DNS_HOOK_SECRET: "s".repeat(40) };
    const config = hooksConfig(env);
    expect(endpointSecret(config.endpoints.dns!, env)).toBe("s".repeat(40));
    expect(config.endpoints.dns).toMatchObject({ timeoutSeconds: 10 });
  });
});
