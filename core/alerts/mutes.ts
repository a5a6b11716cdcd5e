/** What can keep people from hearing of an alert, in the order one is chosen when several apply. */
export const MUTES = [
  {
    id: "maintenance-window",
    sentence: "An alert raised while a maintenance window of its service is in force is muted by the window: someone is working on the service.",
  },
  {
    id: "silence",
    sentence: "An alert an active silence matches (by service, rule and labels) is muted by the silence that ends last, until it ends or an operator expires it.",
  },
  {
    id: "inhibition",
    sentence: "An alert an inhibition rule explains by another alert (core/alerts/inhibitions.ts) is muted while that alert holds: people hear of the cause.",
  },
] as const;

export type MuteId = (typeof MUTES)[number]["id"];

/** The description of what mutes an alert, by MUTES' order; null when nothing does (it is announced). */
export function muteOf(candidates: Readonly<Record<MuteId, string | null>>): string | null {
  for (const mute of MUTES) {
    const label = candidates[mute.id];
    if (label !== null) return label;
  }
  return null;
}
