import "server-only";
import type { RunbookSummary } from "@/contracts/runbook-api";
import type { ParsedRunbook } from "@/core/runbooks/parse-runbook";
import { runbookCatalog } from "./runbook-catalog";

export function runbookSummary(runbook: ParsedRunbook): RunbookSummary {
  const { definition } = runbook;
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description,
    file: runbook.file,
    contentHash: runbook.contentHash,
    parameters: Object.fromEntries(
      Object.entries(definition.parameters).map(([name, parameter]) => [name, { type: parameter.type, description: parameter.description, required: parameter.required }]),
    ),
    steps: definition.steps.map((step) => ({ id: step.id, kind: step.kind, title: step.title })),
    source: runbook.source,
  };
}

export async function listRunbooks() {
  const catalog = await runbookCatalog();
  return { runbooks: catalog.runbooks.map(runbookSummary), problems: catalog.problems };
}
