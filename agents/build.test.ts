import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliDecompressSync } from "node:zlib";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentBundle, classicZodModuleIn, driverModuleIn, firstNonAscii } from "./build";
import { AGENT_NODE_FLAGS } from "./node-flags";

describe("the bundle's ASCII check", () => {
  it("passes ASCII source, escapes included", () => {
    expect(firstNonAscii('const x = /[\\u0080-\\uffff]/; "caf\\u00e9";')).toBeNull();
  });

  it("finds the first character above U+007F and shows where it is", () => {
    const found = firstNonAscii("const NON_ASCII = /[\\u0080-\uffff]/;");
    expect(found).toEqual({ index: 27, context: "const NON_ASCII = /[\\u0080-\uffff]/;" });
    expect(firstNonAscii("é")).toEqual({ index: 0, context: "é" });
  });
});

describe("the MariaDB driver check", () => {
  const metafile = (...inputs: string[]): Metafile => ({ inputs: Object.fromEntries(inputs.map((input) => [input, { bytes: 1, imports: [] }])), outputs: {} });

  it("finds a module of mysql2 or of its dependencies among a build's inputs", () => {
    expect(driverModuleIn(metafile("agents/agent.ts", "node_modules/mysql2/lib/base/connection.js"))).toBe("node_modules/mysql2/lib/base/connection.js");
    expect(driverModuleIn(metafile("node_modules/iconv-lite/encodings/dbcs-data.js"))).toBe("node_modules/iconv-lite/encodings/dbcs-data.js");
  });

  it("passes the agent's own modules and pg's", () => {
    expect(driverModuleIn(metafile("agents/mariadb/client.ts", "agents/mariadb/mysql2-loader.ts", "node_modules/pg/lib/client.js"))).toBeNull();
  });

  it("fails a build that takes mysql2 other than through the loader", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "agent-build-"));
    try {
      await expect(buildAgentBundle(path.join(dir, "bundle.cjs"), { entry: fileURLToPath(import.meta.resolve("mysql2/promise")) })).rejects.toThrow(/node_modules\/[\w.-]+\/.* is in the agent bundle's own source/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the zod classic check", () => {
  const metafile = (...inputs: string[]): Metafile => ({ inputs: Object.fromEntries(inputs.map((input) => [input, { bytes: 1, imports: [] }])), outputs: {} });

  it("finds a module of zod classic among a build's inputs, and passes zod/mini's and zod core's", () => {
    expect(classicZodModuleIn(metafile("agents/config.ts", "node_modules/zod/v4/classic/schemas.js"))).toBe("node_modules/zod/v4/classic/schemas.js");
    expect(classicZodModuleIn(metafile("node_modules/zod/v4/mini/schemas.js", "node_modules/zod/v4/core/schemas.js", "node_modules/zod/v4/locales/en.js"))).toBeNull();
  });

  it("fails a build that imports zod classic", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "agent-build-"));
    try {
      await expect(buildAgentBundle(path.join(dir, "bundle.cjs"), { entry: fileURLToPath(import.meta.resolve("zod")) })).rejects.toThrow(/node_modules\/zod\/v4\/classic\/.* is in the agent bundle: .* must use zod\/mini/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the built agent and its packed MariaDB driver", () => {
  let dir: string;
  let agentSource: string;
  let configError: string;
  let loaded: { loadedOnce: boolean; badCharset: { message: string; stack: string } | null; refused: { message: string; stack: string } | null };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "agent-build-"));
    const agent = path.join(dir, "switchyard-agent.cjs");
    const loader = path.join(dir, "loads-mysql2.cjs");
    await buildAgentBundle(agent);
    await buildAgentBundle(loader, { entry: fileURLToPath(new URL("../test/fixtures/mysql2-loader-entry.ts", import.meta.url)) });
    agentSource = await readFile(agent, "utf8");
    const config = path.join(dir, "agent.json");
    await writeFile(config, JSON.stringify({ controlPlaneUrl: "http://127.0.0.1:1", token: "", agentName: "a", replica: { name: "r", regionId: "g", engine: "simulated", seed: 1 }, queue: { dir: "queue" } }));
    configError = await promisify(execFile)(process.execPath, [...AGENT_NODE_FLAGS, agent, config], { timeout: 30_000 }).then(
      () => "the agent accepted the config",
      (error: { stderr: string }) => error.stderr,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [...AGENT_NODE_FLAGS, loader], { timeout: 30_000 });
    loaded = JSON.parse(stdout);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("says which config field is wrong and how, in English (zod/mini registers no locale of its own)", () => {
    expect(configError).toContain(": token: Too small: expected string to have >=1 characters");
  });

  it("runs as a program with the environment and flags it is meant to run with", () => {
    expect(agentSource.split("\n")[0]).toBe("#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 MALLOC_ARENA_MAX=2 node --lite-mode --no-expose-wasm --expose-gc");
  });

  it("holds none of mysql2's or iconv-lite's source as its own", () => {
    expect(agentSource).not.toContain("Can't add new command when connection is in closed state");
    expect(agentSource).not.toContain("cp936");
    expect(firstNonAscii(agentSource)).toBeNull();
  });

  it("packs the driver without Amazon RDS's certificates or iconv-lite's CJK tables, which say so if ever required", () => {
    const pieces = /\[("[A-Za-z0-9+/=]+"(?:,"[A-Za-z0-9+/=]+")*)\]\.join\(""\)/.exec(agentSource)?.[1];
    expect(pieces).toBeDefined();
    const driver = brotliDecompressSync(Buffer.from((JSON.parse(`[${pieces}]`) as string[]).join(""), "base64")).toString("latin1");
    expect(driver).toContain("Can't add new command when connection is in closed state");
    expect(driver).not.toContain("BEGIN CERTIFICATE");
    expect(driver).not.toMatch(/\\u4E02\\u4E04/i);
    expect(driver).toContain("the agent's MariaDB driver carries no Amazon RDS's SSL profiles: index.js is left out of it");
    expect(driver).toContain("the agent's MariaDB driver carries no CJK code pages (its connections use utf8mb4): cp936.json is left out of it");
  });

  it("holds none of @opentelemetry/api's source, which prom-client wants only for exemplars", () => {
    expect(agentSource).not.toContain("Attempted duplicate registration of API");
    expect(agentSource).toContain("@opentelemetry/api is not in the agent bundle");
  });

  it("evaluates the driver once, on the first call, its stack frames named after the bundle", () => {
    expect(loaded.loadedOnce).toBe(true);
    expect(loaded.badCharset?.message).toBe("Unknown charset 'NO_SUCH_CHARSET'");
    expect(loaded.badCharset?.stack).toMatch(/\(loads-mysql2\.cjs:mariadb-driver\.cjs:\d+:\d+\)/);
  });

  it("runs the driver with Node's built-ins: a connection attempt reaches the network", () => {
    expect(loaded.refused?.message).toBe("connect ECONNREFUSED 127.0.0.1:1");
  });
});
