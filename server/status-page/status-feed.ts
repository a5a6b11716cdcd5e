import "server-only";
import { atomFeed } from "@/core/status/atom-feed";
import type { StatusPage } from "@/contracts/status-page";

/** The page's incident updates as an Atom feed; `origin` is the address the reader used. */
export function statusFeed(page: StatusPage, origin: string): string {
  const link = `${origin}/status`;
  const incidents = [...page.openIncidents, ...page.pastIncidents];
  return atomFeed({
    id: `${origin}/api/status/feed.atom`,
    title: page.title,
    link,
    self: `${origin}/api/status/feed.atom`,
    emptySince: new Date(page.generatedAt),
    entries: incidents.flatMap((incident) =>
      incident.updates.map((update) => ({
        id: `${origin}/status#update-${update.id}`,
        title: `${incident.title}: ${update.status}`,
        body: update.body,
        updatedAt: new Date(update.at),
        link: `${link}#incident-${incident.id}`,
      })),
    ),
  });
}
