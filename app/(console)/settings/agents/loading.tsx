import { PageHeader } from "@/components/ui/page-header";

export default function AgentsLoading() {
  return (
    <>
      <PageHeader title="Settings" description="Loading the agents…" />
      <div className="card skeleton" aria-busy="true" aria-live="polite">
        Reading every replica and its agent…
      </div>
    </>
  );
}
