import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listServices } from "@/server/fleet/list-services";
import { listRunbooks } from "@/server/runbooks/list-runbooks";
import { RunbooksView } from "./runbooks-view";

export const metadata: Metadata = { title: "Runbooks" };

export default async function RunbooksPage() {
  const actor = await requirePagePermission("runbooks:read");
  const [catalog, fleet] = await Promise.all([listRunbooks(), listServices()]);
  return (
    <>
      <PageHeader title="Runbooks" description="Guided switchovers and failovers, defined as data. Plan first: a dry run changes nothing." />
      <RunbooksView catalog={catalog} fleet={fleet} canOperate={hasPermission(actor.roles, "runs:operate")} />
    </>
  );
}
