"use client";

import type { ApiTokenView } from "@/contracts/tokens";
import { api } from "@/client/api-client";
import { usePageMutation } from "@/client/page-mutation";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

function tokenState(token: ApiTokenView): { tone: "ok" | "bad" | "warn"; label: string } {
  if (token.revokedAt) return { tone: "bad", label: "revoked" };
  if (new Date(token.expiresAt) <= new Date()) return { tone: "warn", label: "expired" };
  return { tone: "ok", label: "active" };
}

export function TokensTable({ tokens, showOwner }: { tokens: ApiTokenView[]; showOwner: boolean }) {
  const revokeToken = usePageMutation((id: string) => api.call("revokeToken", { params: { id } }));
  const pending = revokeToken.isPending;
  const error = revokeToken.error?.message ?? null;

  function revoke(token: ApiTokenView) {
    if (!window.confirm(`Revoke "${token.name}" (${token.prefix}…)? Scripts using it stop working at once.`)) return;
    revokeToken.mutate(token.id);
  }

  if (tokens.length === 0) return <p className="muted">No API tokens yet.</p>;
  return (
    <>
      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 10 }}>
          {error}
        </div>
      ) : null}
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              {showOwner ? <th scope="col">Owner</th> : null}
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => {
              const state = tokenState(token);
              return (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td className="mono">{token.prefix}…</td>
                  {showOwner ? <td>{token.userEmail}</td> : null}
                  <td>
                    <div className="row">
                      {token.scopes.map((scope) => (
                        <Badge key={scope} tone="info">
                          {scope}
                        </Badge>
                      ))}
                    </div>
                  </td>
                  <td>
                    <Timestamp iso={token.createdAt} />
                  </td>
                  <td>
                    <Timestamp iso={token.lastUsedAt} />
                  </td>
                  <td>
                    <Timestamp iso={token.expiresAt} />
                  </td>
                  <td>
                    <Badge tone={state.tone}>{state.label}</Badge>
                  </td>
                  <td>
                    {token.revokedAt ? null : (
                      <button type="button" className="button button-small button-danger" disabled={pending} onClick={() => revoke(token)} aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
