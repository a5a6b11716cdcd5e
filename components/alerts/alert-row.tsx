"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { AlertView } from "@/contracts/alerts";
import { isPageLevel } from "@/core/alerts/page-level";
import { ApiClientError } from "@/client/api-client";
import { acknowledgeAlertRequest, alertQueries } from "@/client/queries/alerts";
import { Badge, type Tone } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import { AlertPaging } from "./alert-paging";

/** State as text and tone together: colour is never the only signal. */
const STATE_TONE: Record<AlertView["state"], Tone> = { firing: "bad", pending: "warn", resolved: "ok" };
const STATE_ICON: Record<AlertView["state"], string> = { firing: "●", pending: "◐", resolved: "✓" };

function Acknowledge({ alert }: { alert: AlertView }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const acknowledge = useMutation({
    mutationFn: () => acknowledgeAlertRequest(alert.id, note),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertQueries.all() }),
  });
  return (
    <form
      className="row"
      style={{ gap: 6 }}
      onSubmit={(event) => {
        event.preventDefault();
        acknowledge.mutate();
      }}
    >
      <input type="text" value={note} onChange={(event) => setNote(event.target.value)} placeholder="What are you doing about it?" aria-label={`Note acknowledging ${alert.title} on ${alert.subject}`} />
      <button type="submit" className="button" disabled={acknowledge.isPending}>
        Acknowledge
      </button>
      {acknowledge.isError ? (
        <span className="field-error" role="alert">
          {acknowledge.error instanceof ApiClientError ? acknowledge.error.message : "Not recorded."}
        </span>
      ) : null}
    </form>
  );
}

/** What mutes the alert, by the same words for a maintenance window, a silence and an inhibition (core/alerts/mutes.ts). */
function mutedKind(alert: AlertView): { icon: string; text: string } | null {
  if (alert.maintenance?.startsWith("maintenance window")) return { icon: "☾", text: "in maintenance" };
  if (alert.silencedBy || alert.maintenance?.startsWith("silence")) return { icon: "⊘", text: "silenced" };
  if (alert.inhibitedBy || alert.maintenance?.startsWith("inhibited")) return { icon: "⤓", text: "inhibited" };
  return null;
}

function MutedBadge({ alert }: { alert: AlertView }) {
  const kind = mutedKind(alert);
  if (!kind) return null;
  return (
    <div>
      <Badge tone="info">
        <span aria-hidden="true">{kind.icon}</span> {kind.text}
      </Badge>
    </div>
  );
}

/**
 * Whether people were told of it (`maintenance`: what muted it when raised)
 * and what mutes it now: a silence that would keep a new firing quiet, the
 * alert that explains it.
 */
function Muting({ alert }: { alert: AlertView }) {
  return (
    <>
      {alert.maintenance ? <div className="muted">muted: {alert.maintenance.startsWith("inhibited") ? "" : "raised in the "}{alert.maintenance}; not sent to webhooks</div> : null}
      {alert.silencedBy ? (
        <div className="muted" data-testid="silenced-by">
          silenced by {alert.silencedBy.id} (“{alert.silencedBy.reason}”, {alert.silencedBy.createdBy}) until <Timestamp iso={alert.silencedBy.endsAt} />
        </div>
      ) : null}
      {alert.inhibitedBy ? (
        <div className="muted" data-testid="inhibited-by">
          inhibited by {alert.inhibitedBy.ruleId} on {alert.inhibitedBy.subject} (alert {alert.inhibitedBy.alertId}, rule {alert.inhibitedBy.inhibitionRuleId})
        </div>
      ) : null}
    </>
  );
}

export function AlertRow({ alert, mayAcknowledge }: { alert: AlertView; mayAcknowledge: boolean }) {
  return (
    <tr data-testid={`alert-${alert.ruleId}-${alert.subject}`} data-state={alert.state}>
      <td>
        <Badge tone={STATE_TONE[alert.state]}>
          <span aria-hidden="true">{STATE_ICON[alert.state]}</span> {alert.state}
        </Badge>{" "}
        <span className="muted">{alert.severity}</span>
        <MutedBadge alert={alert} />
      </td>
      <td>
        <strong>{alert.title}</strong> · {alert.subject}
        <div>{alert.sentence}</div>
        {alert.state === "resolved" && !alert.firedAt ? <div className="muted">cleared before its window: nobody was paged</div> : null}
        <Muting alert={alert} />
        {alert.severity === "critical" && alert.firedAt ? <AlertPaging alertId={alert.id} /> : null}
      </td>
      <td>
        {alert.serviceId === null ? <span className="muted">accounts</span> : <Link href={`/services/${encodeURIComponent(alert.serviceId)}`}>{alert.serviceId}</Link>}
        {alert.policyVersion !== null ? <div className="muted">policy v{alert.policyVersion}</div> : null}
        {alert.serviceId !== null && alert.firedAt && isPageLevel(alert.severity) ? <Link href={`/incidents?serviceId=${encodeURIComponent(alert.serviceId)}`}>its incident</Link> : null}
      </td>
      <td>
        <div>
          seen <Timestamp iso={alert.startedAt} />
        </div>
        {alert.firedAt ? (
          <div>
            fired <Timestamp iso={alert.firedAt} />
          </div>
        ) : null}
        {alert.resolvedAt ? (
          <div>
            resolved <Timestamp iso={alert.resolvedAt} />
          </div>
        ) : null}
      </td>
      <td>
        {alert.acknowledged ? (
          <span>
            {alert.acknowledged.by}: “{alert.acknowledged.note}” <Timestamp iso={alert.acknowledged.at} />
          </span>
        ) : alert.state !== "resolved" && mayAcknowledge ? (
          <Acknowledge alert={alert} />
        ) : (
          <span className="muted">{alert.state === "resolved" ? "—" : "not acknowledged"}</span>
        )}
      </td>
    </tr>
  );
}
