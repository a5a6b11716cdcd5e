import Link from "next/link";
import type { RelatedAuditEvent } from "@/contracts/audit-query";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

export function RelatedEvents({ title, events, currentSeq, more }: { title: string; events: RelatedAuditEvent[]; currentSeq: number; more?: { href: string; label: string } }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>{title}</h2>
        {more ? <Link href={more.href}>{more.label}</Link> : null}
      </div>
      <ol className="plain-list">
        {events.map((event) => (
          <li key={event.seq}>
            {event.seq === currentSeq ? (
              <strong aria-current="true">#{event.seq} {event.action} (this event)</strong>
            ) : (
              <Link href={`/audit/${event.seq}`}>
                #{event.seq} {event.action}
              </Link>
            )}{" "}
            <span className="muted">
              <Timestamp iso={event.at} /> · {event.actorLabel}
              {event.reason ? ` · ${event.reason}` : ""}
            </span>{" "}
            {event.outcome === "failure" ? <Badge tone="bad">failure</Badge> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
