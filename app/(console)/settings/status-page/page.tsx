import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { db } from "@/server/db/client";
import { listStatusComponents } from "@/server/status-page/status-components";
import { SettingsTabs } from "../settings-tabs";
import { StatusComponentsForm } from "./status-components-form";

export const metadata: Metadata = { title: "Status page" };

export default async function StatusPageSettings() {
  const actor = await requirePagePermission("fleet:read");
  const [{ components }, services] = await Promise.all([listStatusComponents(), db().service.findMany({ where: { retiredAt: null }, select: { id: true }, orderBy: { id: "asc" } })]);
  const canEdit = hasPermission(actor.roles, "topology:manage");
  return (
    <>
      <PageHeader title="Settings" description="People, their roles, API tokens, the agents next to each replica, and the public status page." />
      <SettingsTabs current="status-page" showUsers={hasPermission(actor.roles, "users:manage")} showAgents={hasPermission(actor.roles, "agents:manage")} />
      <section className="card stack" aria-labelledby="status-components-heading">
        <div className="card-header">
          <h2 id="status-components-heading">Public status page</h2>
          <a href="/status" target="_blank" rel="noreferrer">
            Open /status
          </a>
        </div>
        <p className="muted">
          Anyone can read <code>/status</code> without signing in. It shows each component by the public name you give it, never a service&apos;s, replica&apos;s or
          region&apos;s own name; with no component named, it shows one &ldquo;All systems&rdquo; component for every service.
        </p>
        <StatusComponentsForm initial={components} services={services.map((service) => service.id)} canEdit={canEdit} />
      </section>
    </>
  );
}
