import "server-only";
import type { ChangeRequestPreview } from "@/contracts/change-requests";
import type { PolicyDocument } from "@/contracts/policy";
import { diffPolicy } from "@/core/policy/diff-policy";
import type { PolicyTopology } from "@/core/policy/policy-topology";
import { policyConsequences } from "@/core/policy/policy-consequences";
import { requiredApprovals } from "@/core/policy/required-approvals";
import { db } from "../db/client";
import { ValidationError } from "../errors";
import { assertValidPolicy } from "../policy/assert-valid-policy";
import { GLOBAL_POLICY_SCOPE, servicePolicyScope } from "../policy/effective-policy";
import { documentAt, RETIRED_POLICY } from "../policy/policy-ref";
import { loadPolicyTopology } from "../policy/policy-topology";
import { liveServiceOrThrow } from "../retired-guards";

/** What a proposal is judged against: the version in force for its scope. */
export interface ChangeBase {
  scope: string;
  /** The scope's current version; 0 when a service has none of its own and inherits the global one. */
  baseVersion: number;
  baseDocument: PolicyDocument;
  topology: PolicyTopology;
}

export async function changeBase(serviceId: string | null): Promise<ChangeBase> {
  if (serviceId !== null) await liveServiceOrThrow(db(), serviceId, RETIRED_POLICY, "serviceId");
  const scope = serviceId === null ? GLOBAL_POLICY_SCOPE : servicePolicyScope(serviceId);
  const policy = await db().policy.findUnique({ where: { scope } });
  const baseVersion = policy?.currentVersion ?? 0;
  const [baseDocument, topology] = await Promise.all([documentAt(db(), policy?.id ?? "", baseVersion), loadPolicyTopology(serviceId)]);
  return { scope, baseVersion, baseDocument, topology };
}

/** Diff, consequences and approvals of `document` against `base`; 400 when it changes nothing or breaks a rule. */
export function judgeProposal(base: ChangeBase, document: PolicyDocument): ChangeRequestPreview {
  const diff = diffPolicy(base.baseDocument, document);
  if (diff.length === 0) throw new ValidationError(`document: identical to version ${base.baseVersion} of ${base.scope}; there is nothing to change`, "document");
  assertValidPolicy(document, base.topology, base.baseDocument);
  const approvals = requiredApprovals(diff, base.baseDocument);
  return {
    scope: base.scope,
    baseVersion: base.baseVersion,
    diff,
    consequences: policyConsequences(base.baseDocument, document, base.topology),
    requiredApprovals: approvals.required,
    safetyRelevantFields: approvals.safetyRelevantFields,
    approvalsSentence: approvals.sentence,
  };
}

export async function previewChange(serviceId: string | null, document: PolicyDocument): Promise<ChangeRequestPreview> {
  return judgeProposal(await changeBase(serviceId), document);
}
