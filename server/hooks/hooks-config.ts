import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { EMPTY_HOOKS_CONFIG, hooksConfigSchema, type HookEndpoint, type HooksConfig } from "@/contracts/hooks";
import { dataDir } from "../data-dir";

/**
 * The hooks configuration: `SWITCHYARD_HOOKS_FILE`, or `hooks.yaml` in the
 * data folder; none at all means no endpoints, scripts or gates. Read on each
 * use, like the runbooks, so an edit applies to the next run; checked when
 * the control plane starts so a broken file is found before a failover needs it.
 */

export class HooksConfigError extends Error {
  override name = "HooksConfigError";
}

export function hooksFile(env: Readonly<Record<string, string | undefined>> = process.env): { file: string; explicit: boolean } {
  const explicit = env.SWITCHYARD_HOOKS_FILE;
  // A file chosen at run time, never part of the build.
  return explicit ? { file: path.resolve(/*turbopackIgnore: true*/ explicit), explicit: true } : { file: path.join(/*turbopackIgnore: true*/ env.SWITCHYARD_DATA_DIR ? path.resolve(/*turbopackIgnore: true*/ env.SWITCHYARD_DATA_DIR) : dataDir(), "hooks.yaml"), explicit: false };
}

/** The configuration, validated; a named file that is missing, or any file that does not validate, is an error naming the file and the field. */
export function hooksConfig(env: Readonly<Record<string, string | undefined>> = process.env): HooksConfig {
  const { file, explicit } = hooksFile(env);
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !explicit) return EMPTY_HOOKS_CONFIG;
    throw new HooksConfigError(`cannot read the hooks configuration ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: false }) ?? {};
  } catch (error) {
    throw new HooksConfigError(`the hooks configuration ${file} is not valid YAML: ${(error as Error).message}`);
  }
  const result = hooksConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
    throw new HooksConfigError(`invalid hooks configuration ${file}: ${problems.join("; ")}`);
  }
  for (const [name, endpoint] of Object.entries(result.data.endpoints)) {
    if (endpoint.secretEnv && !env[endpoint.secretEnv]) throw new HooksConfigError(`invalid hooks configuration ${file}: endpoints.${name}.secretEnv: ${endpoint.secretEnv} is not set`);
  }
  return result.data;
}

/** An endpoint's signing secret, from the file or its environment variable. */
export function endpointSecret(endpoint: HookEndpoint, env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  return endpoint.secret ?? (endpoint.secretEnv ? env[endpoint.secretEnv] ?? null : null);
}
