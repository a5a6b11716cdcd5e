import type { z } from "zod";
import type { changeRequestListSchema, changeRequestSchema } from "@/contracts/change-requests";
import { table, utc } from "../format";

export function renderChanges(list: z.output<typeof changeRequestListSchema>): string {
  if (!list.changeRequests.length) return "No change requests match.";
  return table(
    ["ID", "SCOPE", "STATUS", "APPROVALS", "REQUESTER", "CREATED (UTC)", "EXPIRES (UTC)", "REASON"],
    list.changeRequests.map((request) => [
      request.id,
      request.scope,
      request.status + (request.stale ? " (stale: rebase)" : ""),
      `${request.approvalsSoFar}/${request.requiredApprovals}`,
      request.requester,
      utc(request.createdAt),
      utc(request.expiresAt),
      request.reason,
    ]),
  );
}

export function renderChange(request: z.output<typeof changeRequestSchema>): string {
  const decisions = request.approvals.map((approval) => `  ${approval.decision} by ${approval.approver} at ${utc(approval.createdAt)}${approval.comment ? `: ${approval.comment}` : ""}`);
  return [
    `Change request ${request.id} on ${request.scope}: ${request.status}${request.stale ? " (stale: the requester must rebase)" : ""}`,
    `by ${request.requester} at ${utc(request.createdAt)}, expires ${utc(request.expiresAt)}; ${request.kind === "topology" ? "revision" : "v"}${request.baseVersion} → proposal (in force: ${request.kind === "topology" ? "revision " : "v"}${request.currentVersion})`,
    `reason: ${request.reason}`,
    `approvals: ${request.approvalsSoFar} of ${request.requiredApprovals}`,
    "",
    "Diff:",
    ...(request.diff.length ? request.diff.map((change) => `  ${change.text}`) : ["  (none)"]),
    ...(request.consequences.length ? ["", "Consequences:", ...request.consequences.map((line) => `  - ${line}`)] : []),
    ...(decisions.length ? ["", "Decisions:", ...decisions] : []),
  ].join("\n");
}
