import type { Metadata } from "next";
import Link from "next/link";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listChangeRequests } from "@/server/change-requests/list-change-requests";
import { liveFleetYaml } from "@/server/topology/export-topology";
import { OpenTopologyChanges } from "./open-topology-changes";
import { TopologyEditor } from "./topology-editor";

export const metadata: Metadata = { title: "Topology" };

export default async function TopologyPage() {
  const actor = await requirePagePermission("fleet:read");
  const mayManage = hasPermission(actor.roles, "topology:manage");
  const [yaml, changeRequests] = await Promise.all([liveFleetYaml(), listChangeRequests({ status: "open", limit: 50 })]);
  return (
    <>
      <PageHeader
        title="Topology"
        description="Regions, services, their datasets and replicas, as one declarative document. What can alter a failover changes only through an approved change request."
        actions={mayManage ? <Link href="/fleet/add-service">Add a service from a running cluster</Link> : undefined}
      />
      <div className="stack">
        <OpenTopologyChanges initial={{ changeRequests }} />
        <TopologyEditor initialYaml={yaml} mayManage={mayManage} />
      </div>
    </>
  );
}
