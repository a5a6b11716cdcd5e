import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { SettingsTabs } from "../settings-tabs";
import { ChangePasswordForm } from "./change-password-form";
import { PagingContactForm } from "./paging-contact-form";

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
      <section className="card" aria-labelledby="paging-heading">
        <h2 id="paging-heading" style={{ marginBottom: 4 }}>
          Paging contact
        </h2>
        <p className="muted" style={{ marginBottom: 10 }}>
          Where you are paged when an escalation policy names you or a rotation has you on call for a critical alert.
        </p>
        <PagingContactForm />
      </section>
    </>
  );
}
