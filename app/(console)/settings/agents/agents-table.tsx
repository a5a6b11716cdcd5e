"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { IssuedEnrollmentToken } from "@/contracts/enrollment";
import { enrollCommandLine } from "@/core/agents/enroll-command-line";
import { api } from "@/client/api-client";
import { usePageMutation } from "@/client/page-mutation";
import { Badge, type Tone } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import type { ReplicaAgents } from "@/server/agents/replica-agents";

const LIFETIMES = [
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 7 * 86_400, label: "7 days" },
] as const;

function agentState(agent: ReplicaAgents["agent"]): { tone: Tone; label: string } {
  if (!agent) return { tone: "neutral", label: "no agent" };
  if (agent.revokedAt) return { tone: "bad", label: "revoked" };
  if (!agent.lastHeartbeatAt) return { tone: "warn", label: "never reported" };
  return { tone: "ok", label: "active" };
}

function witnessKey(agent: NonNullable<ReplicaAgents["agent"]>): { tone: Tone; label: string } {
  if (agent.refusedWitnessKey) return { tone: "bad", label: "another key refused" };
  return agent.witnessKey ? { tone: "ok", label: "bound" } : { tone: "neutral", label: "none yet" };
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <button
      type="button"
      className="button button-small"
      aria-label={label}
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => setCopied("yes"),
          () => setCopied("failed"),
        )
      }
    >
      {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed: select and copy" : "Copy"}
    </button>
  );
}

/** The token just issued, shown once, with the exact command to run on the replica's host. */
function IssuedToken({ issued, fingerprint, onDismiss }: { issued: IssuedEnrollmentToken; fingerprint: string; onDismiss: () => void }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), [issued]);
  const command = enrollCommandLine(window.location.origin, issued.token, fingerprint, issued);
  return (
    <div ref={panel} tabIndex={-1} className="alert alert-info stack" role="status" aria-label={`Enrollment token for ${issued.replicaName}`} style={{ marginBottom: 10 }}>
      <strong>
        Enrollment token for {issued.serviceId}/{issued.replicaName}: copy it now, it is not shown again. Single use, until <Timestamp iso={issued.expiresAt} />.
      </strong>
      <div className="row">
        <div className="secret" data-testid="enrollment-token">
          {issued.token}
        </div>
        <CopyButton text={issued.token} label="Copy the enrollment token" />
      </div>
      <span>On the replica&apos;s host (fill in the monitoring role&apos;s URL):</span>
      <div className="row">
        <div className="secret" data-testid="enroll-command">
          {command}
        </div>
        <CopyButton text={command} label="Copy the enroll command" />
      </div>
      <div>
        <button type="button" className="button button-small" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}

export function AgentsTable({ replicas, commandKeyFingerprint }: { replicas: ReplicaAgents[]; commandKeyFingerprint: string }) {
  const [issued, setIssued] = useState<IssuedEnrollmentToken | null>(null);
  const [lifetime, setLifetime] = useState<number>(LIFETIMES[0].seconds);
  // Issuing a token changes nothing this page shows; revoking changes a row.
  const issue = useMutation({
    mutationFn: (replica: ReplicaAgents) => api.call("issueEnrollmentToken", { params: { id: replica.replicaId }, body: { expiresInSeconds: lifetime } }),
    onMutate: () => setIssued(null),
    onSuccess: setIssued,
  });
  const revokeAgent = usePageMutation((agentId: string) => api.call("revokeAgent", { params: { id: agentId } }));
  const pending = issue.isPending || revokeAgent.isPending;
  // Only the latest action's refusal shows: each clears the other's.
  const error = (issue.submittedAt > revokeAgent.submittedAt ? issue.error : revokeAgent.error)?.message ?? null;

  function revoke(agent: NonNullable<ReplicaAgents["agent"]>) {
    if (!window.confirm(`Revoke ${agent.name}? Its reports and commands are refused at once, and its witness votes are withdrawn.`)) return;
    revokeAgent.mutate(agent.id);
  }

  if (replicas.length === 0) return <p className="muted">No replicas yet: add them to a service first.</p>;
  return (
    <>
      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginBottom: 10 }}>
          {error}
        </div>
      ) : null}
      {issued ? <IssuedToken issued={issued} fingerprint={commandKeyFingerprint} onDismiss={() => setIssued(null)} /> : null}
      <div className="field" style={{ maxWidth: 260, marginBottom: 10 }}>
        <label htmlFor="enrollment-lifetime">Enrollment tokens expire after</label>
        <select id="enrollment-lifetime" value={lifetime} onChange={(event) => setLifetime(Number(event.target.value))}>
          {LIFETIMES.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="table-wrap" tabIndex={0} aria-busy={pending}>
        <table>
          <thead>
            <tr>
              <th scope="col">Replica</th>
              <th scope="col">Region</th>
              <th scope="col">Agent</th>
              <th scope="col">Version</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col">Witness key</th>
              <th scope="col">Health checks</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {replicas.map((replica) => {
              const { agent } = replica;
              const state = agentState(agent);
              const key = agent ? witnessKey(agent) : null;
              return (
                <tr key={replica.replicaId}>
                  <td>
                    {replica.serviceId}/{replica.replicaName}
                  </td>
                  <td>{replica.regionId}</td>
                  <td className="mono">{agent?.name ?? <span className="muted">—</span>}</td>
                  <td>{agent?.version ?? <span className="muted">—</span>}</td>
                  <td>{agent ? <Timestamp iso={agent.lastHeartbeatAt} /> : <span className="muted">—</span>}</td>
                  <td>{key ? <Badge tone={key.tone}>{key.label}</Badge> : <span className="muted">—</span>}</td>
                  <td className="mono">{agent?.health ? `${agent.health.tls ? "https" : "http"}://${agent.health.host.includes(":") ? `[${agent.health.host}]` : agent.health.host}:${agent.health.port}` : <span className="muted">—</span>}</td>
                  <td>
                    <Badge tone={state.tone}>{state.label}</Badge>
                  </td>
                  <td>
                    <div className="row">
                      <button type="button" className="button button-small button-primary" disabled={pending} onClick={() => issue.mutate(replica)} aria-label={`Issue enrollment token for ${replica.replicaName}`}>
                        Issue enrollment token
                      </button>
                      {agent && !agent.revokedAt ? (
                        <button type="button" className="button button-small button-danger" disabled={pending} onClick={() => revoke(agent)} aria-label={`Revoke ${agent.name}`}>
                          Revoke
                        </button>
                      ) : null}
                    </div>
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
