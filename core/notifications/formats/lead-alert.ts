import type { NotificationGroup, NotifiedAlert } from "../notification-group";

/** The alert a one-line summary names first; a group is only ever made of at least one alert. */
export function leadAlert(alerts: NotificationGroup["alerts"]): NotifiedAlert {
  const [first] = alerts;
  if (!first) throw new Error("A notification group holds at least one alert.");
  return first;
}
