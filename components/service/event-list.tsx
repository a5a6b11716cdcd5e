import Link from "next/link";
import type { ServiceEvent } from "@/contracts/service-lag";
import { Timestamp } from "@/components/ui/timestamp";

/** The window's events, numbered as their markers on the charts. */
export function EventList({ events }: { events: ServiceEvent[] }) {
  if (events.length === 0) return <p className="muted">No role, route, run, policy or alert events in this range.</p>;
  return (
    <ol className="event-list">
      {events.map((event, index) => (
        <li key={`${event.at}-${index}`}>
          <span className="event-number" aria-label={`marker ${index + 1}`}>
            {index + 1}
          </span>
          <Timestamp iso={event.at} /> <code>{event.action}</code> {event.summary}
          {event.runId ? (
            <>
              {" "}
              · <Link href={`/runs/${encodeURIComponent(event.runId)}`}>run</Link>
            </>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
