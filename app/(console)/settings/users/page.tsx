import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listRoleGrants } from "@/server/accounts/list-role-grants";
import { listUsers } from "@/server/users/list-users";
import { liveServiceIds } from "@/server/auth/role-scopes";
import { SettingsTabs } from "../settings-tabs";
import { CreateUserForm } from "./create-user-form";
import { PendingGrants } from "./pending-grants";
import { ServiceLimits } from "./service-limits";
import { UsersTable } from "./users-table";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePagePermission("users:manage");
  const [users, grants, serviceIds] = await Promise.all([listUsers(), listRoleGrants({ status: "pending", limit: 200 }), liveServiceIds()]);
  return (
    <>
      <PageHeader title="Settings" description="People, their roles, and API tokens." />
      <SettingsTabs current="users" showUsers showAgents={hasPermission(actor.roles, "agents:manage")} />
      <div className="stack">
        <section className="card" aria-labelledby="users-heading">
          <h2 id="users-heading" style={{ marginBottom: 10 }}>
            Users
          </h2>
          <UsersTable users={users} currentUserId={actor.userId} />
        </section>
        <section className="card" aria-labelledby="grants-heading">
          <h2 id="grants-heading" style={{ marginBottom: 4 }}>
            Waiting for a second admin
          </h2>
          <p className="muted" style={{ marginBottom: 10 }}>
            Approver and admin are granted only when an admin other than the one who asked approves. An account cannot approve the changes of whoever created, promoted or reset it recently, nor of whoever chose the password it still signs in with.
          </p>
          {grants.length ? <PendingGrants grants={grants} currentUserId={actor.userId} currentEmail={actor.email} /> : <p className="muted">Nothing is waiting.</p>}
        </section>
        <section className="card" aria-labelledby="service-limits-heading">
          <div className="card-header">
            <h2 id="service-limits-heading">Roles limited to services</h2>
            <span className="muted">An operator or approver limited to services acts only on their runs, alerts, automation and approvals; everyone reads the whole fleet.</span>
          </div>
          <ServiceLimits users={users} serviceIds={serviceIds} />
        </section>
        <section className="card" aria-labelledby="create-user-heading">
          <h2 id="create-user-heading" style={{ marginBottom: 10 }}>
            Create a user
          </h2>
          <CreateUserForm />
        </section>
      </div>
    </>
  );
}
