import { PageHeader } from "@/components/ui/page-header";

export default function GovernanceLoading() {
  return (
    <>
      <PageHeader title="Governance" description="Loading policies and change requests…" />
      <div className="card skeleton" aria-busy="true" aria-live="polite">
        Reading every policy and change request…
      </div>
    </>
  );
}
