import "server-only";
import { serviceGates } from "@/core/hooks/runbook-hooks";
import { planRun, type RunParams } from "@/core/runbooks/plan-run";
import type { RunPlanView } from "@/contracts/runbook-api";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { hooksConfig } from "../hooks/hooks-config";
import { runbookCatalog } from "./runbook-catalog";
import { serviceSnapshot } from "./service-snapshot";

/** The dry run of a runbook against the live topology; it reads, and writes nothing. */
export async function planRunbook(runbookId: string, params: RunParams): Promise<RunPlanView> {
  const runbook = (await runbookCatalog()).runbooks.find((candidate) => candidate.definition.id === runbookId);
  if (!runbook) throw new NotFoundError(`No runbook ${runbookId}.`);
  if (!params.service) throw new ValidationError("params.service: is required", "params.service");
  const snapshot = await serviceSnapshot(params.service).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new ValidationError(`params.service: ${error.message}`, "params.service");
    throw error;
  });
  let gates;
  try {
    gates = serviceGates(hooksConfig(), params.service);
  } catch (error) {
    throw new ConflictError(`No run starts while the hooks configuration is broken (its gates cannot be known): ${(error as Error).message}`);
  }
  return {
    ...planRun(runbook.definition, params, snapshot, gates),
    contentHash: runbook.contentHash,
    epoch: snapshot.epoch,
    policyVersion: snapshot.policy.version,
    snapshotAt: snapshot.now.toISOString(),
  };
}
