import { PageHeader } from "@/components/ui/page-header";

export default function FleetLoading() {
  return (
    <>
      <PageHeader title="Fleet" description="Loading the fleet…" />
      <div className="card skeleton" aria-busy="true" aria-live="polite">
        Reading every service, replica and region…
      </div>
    </>
  );
}
