import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listChangeRequests } from "@/server/change-requests/list-change-requests";
import { listPolicies } from "@/server/policy/list-policies";
import { GovernanceView } from "./governance-view";

export const metadata: Metadata = { title: "Governance" };

export default async function GovernancePage() {
  const actor = await requirePagePermission("policies:read");
  const [policies, changeRequests] = await Promise.all([listPolicies(), listChangeRequests({ limit: 50 })]);
  return (
    <>
      <PageHeader title="Governance" description="Policies are versioned documents; a change needs approvers other than its requester, and every step is audited." />
      <GovernanceView
        initialPolicies={{ policies }}
        initialChangeRequests={{ changeRequests }}
        may={{
          propose: hasPermission(actor.roles, "policies:propose"),
          approve: hasPermission(actor.roles, "policies:approve"),
          emergency: hasPermission(actor.roles, "policies:emergency"),
          userId: actor.userId,
          email: actor.email,
        }}
      />
    </>
  );
}
