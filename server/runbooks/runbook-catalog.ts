import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { EMPTY_HOOKS_CONFIG, type HooksConfig } from "@/contracts/hooks";
import { hookProblems } from "@/core/hooks/runbook-hooks";
import { parseRunbook, type ParsedRunbook, type RunbookProblem } from "@/core/runbooks/parse-runbook";
import { hooksConfig, hooksFile } from "../hooks/hooks-config";

export interface RunbookCatalog {
  runbooks: ParsedRunbook[];
  problems: RunbookProblem[];
}

// Read at run time from a configurable folder, not bundled: hence the
// turbopackIgnore hints below, which keep the build from tracing the project.
const folder = () => path.resolve(/*turbopackIgnore: true*/ process.env.SWITCHYARD_RUNBOOKS_DIR ?? "runbooks");

/**
 * The runbook definitions in runbooks/, read fresh on each call so that an
 * edited file is what the next run uses (and its hash says so). A broken file,
 * or one naming an endpoint or script the hooks configuration lacks, is
 * reported with its field and step and does not hide the others.
 */
export async function runbookCatalog(): Promise<RunbookCatalog> {
  const files = (await readdir(/*turbopackIgnore: true*/ folder())).filter((file) => file.endsWith(".yaml") || file.endsWith(".yml")).sort();
  const runbooks: ParsedRunbook[] = [];
  const problems: RunbookProblem[] = [];
  let hooks: HooksConfig = EMPTY_HOOKS_CONFIG;
  try {
    hooks = hooksConfig();
  } catch (error) {
    problems.push({ file: hooksFile().file, field: null, message: (error as Error).message });
  }
  for (const file of files) {
    const parsed = parseRunbook(file, await readFile(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ folder(), file), "utf8"));
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const [unconfigured] = hookProblems(parsed.runbook.definition, hooks);
    if (unconfigured) problems.push({ file, field: unconfigured.field, message: `${unconfigured.field}: ${unconfigured.message}` });
    else runbooks.push(parsed.runbook);
  }
  for (const [index, runbook] of runbooks.entries()) {
    if (runbooks.findIndex((other) => other.definition.id === runbook.definition.id) !== index) {
      problems.push({ file: runbook.file, field: "id", message: `id: ${runbook.definition.id} is also defined in an earlier file` });
    }
  }
  return { runbooks: runbooks.filter((runbook, index) => runbooks.findIndex((other) => other.definition.id === runbook.definition.id) === index), problems };
}
