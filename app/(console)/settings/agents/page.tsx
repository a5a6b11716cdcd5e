import type { Metadata } from "next";
import { hasPermission } from "@/core/access/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { listReplicaAgents } from "@/server/agents/replica-agents";
import { requirePagePermission } from "@/server/auth/current-actor";
import { SettingsTabs } from "../settings-tabs";
import { AgentsTable } from "./agents-table";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  const actor = await requirePagePermission("agents:manage");
  const { replicas, commandKeyFingerprint } = await listReplicaAgents();
  return (
    <>
      <PageHeader title="Settings" description="People, their roles, API tokens, and the agents next to each replica." />
      <SettingsTabs current="agents" showUsers={hasPermission(actor.roles, "users:manage")} showAgents />
      <div className="stack">
        <section className="card" aria-labelledby="command-key-heading">
          <h2 id="command-key-heading" style={{ marginBottom: 10 }}>
            Command key
          </h2>
          <p className="muted">
            Agents pin this key when they enroll and verify every command with it. <code>switchyard-agent enroll</code> prints the fingerprint of the key it
            pinned: it must be this one.
          </p>
          <div className="secret" data-testid="command-key-fingerprint">
            {commandKeyFingerprint}
          </div>
        </section>
        <section className="card" aria-labelledby="agents-heading">
          <div className="card-header">
            <h2 id="agents-heading">Agents by replica</h2>
            <span className="muted">An enrollment token enrolls one agent, once; enrolling a replica again with --replace revokes its agent.</span>
          </div>
          <AgentsTable replicas={replicas} commandKeyFingerprint={commandKeyFingerprint} />
        </section>
      </div>
    </>
  );
}
