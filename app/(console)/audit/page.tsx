import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { AuditTrailView } from "./audit-trail-view";
import { CheckpointButton } from "./checkpoint-button";
import { VerifyChainButton } from "./verify-chain-button";

export const metadata: Metadata = { title: "Audit" };

/** The view is the URL: filters and page live in the query string, so a link reproduces what a reviewer saw. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission("audit:read");
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    if (typeof value === "string" && value !== "") params.set(key, value);
  }
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every state change, hash-chained: editing or removing an event breaks the chain. Times are UTC."
        actions={
          <>
            <VerifyChainButton />
            <CheckpointButton />
          </>
        }
      />
      <AuditTrailView search={params.toString()} />
    </>
  );
}
