import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listPolicies } from "@/server/policy/list-policies";

export const metadata: Metadata = { title: "Governance" };

export default async function GovernancePage() {
  await requirePagePermission("policies:read");
  const policies = await listPolicies();
  return (
    <>
      <PageHeader title="Governance" description="Policies are versioned documents; changes go through review and approval." />
      <section className="card" aria-labelledby="policies-heading">
        <h2 id="policies-heading" style={{ marginBottom: 10 }}>
          Policies
        </h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Scope</th>
                <th scope="col">Current version</th>
                <th scope="col">Versions</th>
                <th scope="col">In force since</th>
              </tr>
            </thead>
            <tbody>
              {policies.map((policy) => (
                <tr key={policy.scope}>
                  <td className="mono">{policy.scope}</td>
                  <td>v{policy.currentVersion}</td>
                  <td>{policy.versions}</td>
                  <td>
                    <Timestamp iso={policy.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted" style={{ marginBottom: 0 }}>
          Change requests with two-person approval arrive with the governance workflow.
        </p>
      </section>
    </>
  );
}
