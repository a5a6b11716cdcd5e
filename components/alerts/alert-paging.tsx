"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { onCallQueries } from "@/client/queries/oncall";
import { Badge, type Tone } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

const DELIVERY_TONE: Record<string, Tone> = { delivered: "ok", queued: "info", failed: "bad", undeliverable: "bad" };

/** Whom a page-level alert paged, level by level, and what escalation says of it now; loaded when opened. */
export function AlertPaging({ alertId }: { alertId: string }) {
  const [open, setOpen] = useState(false);
  const escalation = useQuery({ ...onCallQueries.alertEscalation(alertId), enabled: open });
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Paging</summary>
      {escalation.isPending && open ? <p className="muted">Loading…</p> : null}
      {escalation.isError ? <p className="field-error">Could not load the paging of this alert.</p> : null}
      {escalation.data ? (
        <div className="stack">
          <p>
            {escalation.data.policy ? `Policy “${escalation.data.policy.name}”: ` : ""}
            {escalation.data.now.sentence}
            {escalation.data.now.escalatesAt ? (
              <>
                {" "}
                (<Timestamp iso={escalation.data.now.escalatesAt} />)
              </>
            ) : null}
          </p>
          {escalation.data.pages.length ? (
            <ul>
              {escalation.data.pages.map((page) => (
                <li key={page.id}>
                  level {page.level}: {page.person.email} at <Timestamp iso={page.sentAt} /> <Badge tone={DELIVERY_TONE[page.delivery]}>{page.delivery}</Badge>
                  {page.problem ? <span className="muted"> ({page.problem})</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Nobody paged.</p>
          )}
        </div>
      ) : null}
    </details>
  );
}
