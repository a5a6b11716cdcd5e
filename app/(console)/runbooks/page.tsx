import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";

export const metadata: Metadata = { title: "Runbooks" };

export default async function RunbooksPage() {
  await requirePagePermission("runbooks:read");
  return (
    <>
      <PageHeader title="Runbooks" description="Guided switchovers and failovers, step by step, with a dry run first." />
      <EmptyState title="No runbooks loaded yet">
        <p>Runbook definitions from the repository&apos;s runbooks/ folder will be listed here, with their runs.</p>
      </EmptyState>
    </>
  );
}
