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

export function AlertRow({ alert, mayAcknowledge }: { alert: AlertView; mayAcknowledge: boolean }) {
  return (
    <tr data-testid={`alert-${alert.ruleId}-${alert.subject}`} data-state={alert.state}>
      <td>
        <Badge tone={STATE_TONE[alert.state]}>
          <span aria-hidden="true">{STATE_ICON[alert.state]}</span> {alert.state}
        </Badge>{" "}
        <span className="muted">{alert.severity}</span>
        {alert.maintenance ? (
          <div>
            <Badge tone="info">
              <span aria-hidden="true">☾</span> in maintenance
            </Badge>
          </div>
        ) : null}
      </td>
      <td>
        <strong>{alert.title}</strong> · {alert.subject}
        <div>{alert.sentence}</div>
        {alert.state === "resolved" && !alert.firedAt ? <div className="muted">cleared before its window: nobody was paged</div> : null}
        {alert.maintenance ? <div className="muted">raised in the {alert.maintenance}: not sent to webhooks</div> : null}
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
