import type { Metadata } from "next";
import { mayAnywhere } from "@/core/access/access";
import { hasPermission } from "@/core/access/permissions";
import { scopesGrantedBy } from "@/core/access/token-scopes";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/server/auth/current-actor";
import { listTokens } from "@/server/tokens/list-tokens";
import { SettingsTabs } from "../settings-tabs";
import { CreateTokenForm } from "./create-token-form";
import { TokensTable } from "./tokens-table";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await requirePagePermission("tokens:own");
  const canManage = mayAnywhere(actor, "tokens:manage");
  const tokens = await listTokens(actor, canManage ? "all" : "own");
  return (
    <>
      <PageHeader title="Settings" description="People, their roles, and API tokens." />
      <SettingsTabs current="tokens" showUsers={hasPermission(actor.roles, "users:manage")} showAgents={hasPermission(actor.roles, "agents:manage")} />
      <div className="stack">
        <section className="card" aria-labelledby="tokens-heading">
          <div className="card-header">
            <h2 id="tokens-heading">{canManage ? "All API tokens" : "Your API tokens"}</h2>
            <span className="muted">
              Scripts send a token as <code>Authorization: Bearer sy_…</code>
            </span>
          </div>
          <TokensTable tokens={tokens} showOwner={canManage} />
        </section>
        <section className="card" aria-labelledby="create-token-heading">
          <h2 id="create-token-heading" style={{ marginBottom: 10 }}>
            Create a token for yourself
          </h2>
          <CreateTokenForm available={scopesGrantedBy(actor.roles)} />
        </section>
      </div>
    </>
  );
}
