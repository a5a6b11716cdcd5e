import { createHash } from "node:crypto";
import { parse, YAMLParseError } from "yaml";
import { runbookDefinitionSchema, type RunbookDefinition } from "@/contracts/runbooks";

export interface ParsedRunbook {
  file: string;
  definition: RunbookDefinition;
  source: string;
  /** SHA-256 of the source text: a run records it, so the audit shows exactly which text ran. */
  contentHash: string;
}

export interface RunbookProblem {
  file: string;
  /** Dotted path of the offending field, when one is to blame. */
  field: string | null;
  message: string;
}

export type RunbookParse = { ok: true; runbook: ParsedRunbook } | { ok: false; problem: RunbookProblem };

/** One runbook file, validated; a broken file yields a problem naming the file and the field. */
export function parseRunbook(file: string, source: string): RunbookParse {
  let raw: unknown;
  try {
    raw = parse(source, { prettyErrors: false });
  } catch (error) {
    const message = error instanceof YAMLParseError ? `not valid YAML: ${error.message}` : `not valid YAML: ${String(error)}`;
    return { ok: false, problem: { file, field: null, message } };
  }
  const result = runbookDefinitionSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join(".") : null;
    return { ok: false, problem: { file, field, message: `${field ?? "(document)"}: ${issue?.message ?? "invalid"}` } };
  }
  return { ok: true, runbook: { file, definition: result.data, source, contentHash: createHash("sha256").update(source).digest("hex") } };
}
