import "server-only";
import type { PolicyDocument } from "@/contracts/policy";
import type { PolicyTopology } from "@/core/policy/policy-topology";
import { validatePolicy } from "@/core/policy/validate-policy";
import { ValidationError } from "../errors";

/**
 * 400 naming every broken rule (the first one's field as `field`). A rule the
 * version in force (`base`) already breaks, because the topology moved under
 * it, does not block an unrelated change; the change only may not add one.
 */
export function assertValidPolicy(document: PolicyDocument, topology: PolicyTopology, base?: PolicyDocument): void {
  const standing = new Set(base ? validatePolicy(base, topology).map((issue) => issue.message) : []);
  const issues = validatePolicy(document, topology).filter((issue) => !standing.has(issue.message));
  const first = issues[0];
  if (first) throw new ValidationError(issues.map((issue) => issue.message).join("; "), `document.${first.field}`);
}
