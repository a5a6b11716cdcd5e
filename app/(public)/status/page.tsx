import type { Metadata } from "next";
import { COMPONENT_STATE_LABELS, type ComponentState } from "@/core/status/component-state";
import type { PublicIncident, StatusPage } from "@/contracts/status-page";
import { currentStatusPage } from "@/server/status-page/status-cache";
import { statusPageTitle } from "@/server/status-page/status-document";

export const metadata: Metadata = { title: statusPageTitle(), alternates: { types: { "application/atom+xml": "/api/status/feed.atom" } } };

const BADGE: Record<ComponentState, string> = {
  operational: "badge badge-ok",
  under_maintenance: "badge badge-info",
  degraded_performance: "badge badge-warn",
  partial_outage: "badge badge-bad",
  major_outage: "badge badge-bad",
};

const when = (iso: string) => new Date(iso).toUTCString().replace(" GMT", " UTC");

function History({ component }: { component: StatusPage["components"][number] }) {
  return (
    <div className="status-history" role="img" aria-label={`${component.name}: ${component.availability} % available over the last ${component.history.length} days`}>
      {component.history.map((day) => (
        <span key={day.day} className={`status-day status-day-${day.state}`} title={`${day.day}: ${COMPONENT_STATE_LABELS[day.state]}${day.outageMinutes ? `, ${day.outageMinutes} min of outage` : ""}`} />
      ))}
    </div>
  );
}

function Incident({ incident }: { incident: PublicIncident }) {
  return (
    <article className="card stack" id={`incident-${incident.id}`} aria-labelledby={`incident-${incident.id}-title`}>
      <h3 id={`incident-${incident.id}-title`}>{incident.title}</h3>
      <p className="muted small">
        {incident.components.join(", ")} · began {when(incident.startedAt)}
        {incident.resolvedAt ? ` · resolved ${when(incident.resolvedAt)}` : ""}
      </p>
      <ol className="plain-list stack">
        {incident.updates.map((update) => (
          <li key={update.id} id={`update-${update.id}`}>
            <strong>{update.status[0]!.toUpperCase() + update.status.slice(1)}</strong> — {update.body}
            <div className="muted small">{when(update.at)}</div>
          </li>
        ))}
      </ol>
    </article>
  );
}

/**
 * The public status page: no sign-in, public names only, served from the
 * last page read when the store is slow. No script: it reads the same with
 * JavaScript off and refreshes itself every 30 s.
 */
export default async function PublicStatusPage() {
  const page = await currentStatusPage().catch(() => null);
  if (!page) {
    return (
      <main className="status-page stack">
        <h1>{statusPageTitle()}</h1>
        <div className="alert alert-error" role="alert">
          The status cannot be read right now. Try again in a few seconds.
        </div>
      </main>
    );
  }
  return (
    <main className="status-page stack">
      <meta httpEquiv="refresh" content="30" />
      <header className="stack">
        <h1>{page.title}</h1>
        <div className={`status-indicator status-indicator-${page.indicator.state}`} role="status">
          {page.indicator.description}
        </div>
        {page.stale ? <p className="muted small">Showing the status as of {when(page.generatedAt)}: the latest could not be read in time.</p> : null}
      </header>
      {page.openIncidents.length ? (
        <section className="stack" aria-labelledby="open-incidents">
          <h2 id="open-incidents">Current incidents</h2>
          {page.openIncidents.map((incident) => (
            <Incident key={incident.id} incident={incident} />
          ))}
        </section>
      ) : null}
      <section className="card stack" aria-labelledby="components">
        <h2 id="components">Components</h2>
        <ul className="plain-list stack">
          {page.components.map((component) => (
            <li key={component.id} className="stack">
              <div className="row">
                <strong>{component.name}</strong>
                <span className={BADGE[component.state]}>{COMPONENT_STATE_LABELS[component.state]}</span>
              </div>
              {component.description ? <p className="muted small">{component.description}</p> : null}
              <History component={component} />
              <p className="muted small">
                {component.history.length} days ago · {component.availability} % available · today
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section className="stack" aria-labelledby="past-incidents">
        <h2 id="past-incidents">Past incidents</h2>
        {page.pastIncidents.length ? page.pastIncidents.map((incident) => <Incident key={incident.id} incident={incident} />) : <p className="muted">No incidents in the last 90 days.</p>}
      </section>
      <footer className="muted small">
        Updated {when(page.generatedAt)} · <a href="/api/status/feed.atom">Atom feed</a> · <a href="/api/status">JSON</a>
      </footer>
    </main>
  );
}
