import type { Metadata } from "next";
import Link from "next/link";
import { hasPermission } from "@/core/access/permissions";
import { regionIdOf } from "@/contracts/topology";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { liveFleetDocument } from "@/server/topology/export-topology";
import { AddServiceFlow } from "./add-service-flow";

export const metadata: Metadata = { title: "Add a service" };

export default async function AddServicePage() {
  const actor = await requirePagePermission("fleet:read");
  const header = (
    <PageHeader
      title="Add a service"
      description="Point Switchyard at a running PostgreSQL cluster's primary, or at any member of a MariaDB topology: it proposes the topology from what the servers know and asks for the rest. Nothing is written until you submit."
      actions={<Link href="/fleet">Back to the fleet</Link>}
    />
  );
  if (!hasPermission(actor.roles, "topology:manage")) {
    return (
      <>
        {header}
        <section className="card stack" aria-labelledby="not-allowed-heading">
          <h2 id="not-allowed-heading">Only admins add services</h2>
          <p>
            Adding a service changes the topology Switchyard fails over, so it needs the <strong>admin</strong> role (permission <code>topology:manage</code>). You are
            signed in as {actor.email} with the role{actor.roles.length === 1 ? "" : "s"} {actor.roles.join(", ") || "none"}.
          </p>
          <p>
            Ask an admin to add the service, or to grant you the role. You can read the whole topology, and download it, on the <Link href="/topology">Topology</Link> page.
          </p>
        </section>
      </>
    );
  }
  const live = await liveFleetDocument();
  return (
    <>
      {header}
      <AddServiceFlow
        known={{
          regions: live.regions.map((region) => ({ id: regionIdOf(region), label: `${regionIdOf(region)} (${region.displayName}, ${region.jurisdiction})` })),
          serviceIds: live.services.map((service) => service.id),
        }}
      />
    </>
  );
}
