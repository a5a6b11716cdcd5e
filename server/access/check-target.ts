import "server-only";
import { refusalOn, type Access, type AccessTarget } from "@/core/access/access";
import type { Permission } from "@/core/access/permissions";
import type { OperationTarget } from "@/contracts/operation-targets";
import { ForbiddenError } from "../errors";
import { TARGET_RESOLVERS, type TargetInput } from "./operation-targets";

const FLEET: AccessTarget = { kind: "fleet" };

/**
 * The second half of the permission check, once the input is valid: for a
 * caller whose only grant of `permission` is a role limited to services, finds
 * the service the operation acts on and refuses (403) anything outside the
 * limit. An operation that names no target acts on the fleet as a whole,
 * which a limited role never may. Callers allowed everywhere cost no query.
 */
export async function assertAllowedOnTarget(access: Access, permission: Permission, find: () => Promise<AccessTarget>): Promise<void> {
  if (access.kind === "everywhere") return;
  const refusal = refusalOn(access, access.kind === "services" ? await find() : FLEET, permission);
  if (refusal) throw new ForbiddenError(refusal.message);
}

/** How an API operation's target is found from its validated input. */
export function operationTargetFinder(target: OperationTarget | undefined, input: TargetInput): () => Promise<AccessTarget> {
  return target ? () => TARGET_RESOLVERS[target](input) : async () => FLEET;
}
