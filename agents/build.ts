import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { AGENT_NODE_FLAGS } from "./node-flags";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "switchyard-agent.ts");

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
 * locale: English, which zod registers itself, is all it keeps. The build
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

/** Where the bundle's source is not ASCII (see mysql2AsciiSource), or null. */
export function firstNonAscii(source: string): { index: number; context: string } | null {
  const index = source.search(/[^\x00-\x7f]/);
  return index < 0 ? null : { index, context: source.slice(Math.max(0, index - 60), index + 20) };
}

/**
 * Bundles the agent into one ESM file that runs as `node <file>`, no tsx and
 * no node_modules needed. One agent runs per replica, so its footprint is
 * multiplied across the fleet: under tsx it pays ~25 MB more for the
 * TypeScript loader and compiles every file on each start. pg and prom-client
 * are bundled too: measured, the resident memory is the same or slightly
 * lower than loading them from node_modules, and the bundle does not depend
 * on where it is put. pg-native is an optional native binding that pg loads
 * only on request, so it stays out.
 */
export async function buildAgentBundle(outFile: string): Promise<void> {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: outFile,
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["pg-native"],
    plugins: [pgWithoutRuntimeProbe, zodWithEnglishOnly, mysql2AsciiSource, promClientParts],
    // Runs as `./switchyard-agent.mjs` too, under the flags it is meant to run with (env -S splits them).
    // Bundled CommonJS (pg, prom-client) still calls require() for Node's built-ins.
    banner: { js: `#!/usr/bin/env -S node ${AGENT_NODE_FLAGS.join(" ")}\nimport { createRequire as __agentCreateRequire } from "node:module"; const require = __agentCreateRequire(import.meta.url);` },
    // Whitespace and syntax only: the stacks in bug reports keep their names.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const source = result.outputFiles[0]!.text;
  const nonAscii = firstNonAscii(source);
  if (nonAscii) throw new Error(`the agent bundle is not ASCII at ${nonAscii.index} (…${nonAscii.context}…): escape it in a build plugin, or every agent holds its source at twice the size`);
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, source, { mode: 0o755 });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFile = process.argv[2];
  if (!outFile) {
    process.stderr.write("usage: node --import tsx agents/build.ts <out-file.mjs>  (npm run agent:pack writes dist/switchyard-agent.mjs)\n");
    process.exit(2);
  }
  await buildAgentBundle(path.resolve(outFile));
}
