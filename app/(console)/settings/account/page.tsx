import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { SettingsTabs } from "../settings-tabs";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const actor = await requirePagePermission("account:own");
  return (
    <>
      <PageHeader title="Settings" description="People, their roles, and API tokens." />
      <SettingsTabs current="account" showUsers={hasPermission(actor.roles, "users:manage")} showAgents={hasPermission(actor.roles, "agents:manage")} />
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading" style={{ marginBottom: 4 }}>
          Change your password
        </h2>
        <p className="muted" style={{ marginBottom: 10 }}>
          Signed in as {actor.email}. Signing out ends every session of yours, on every device.
        </p>
        <ChangePasswordForm />
      </section>
    </>
  );
}
