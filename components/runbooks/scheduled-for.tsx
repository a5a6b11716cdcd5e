import { formatSeconds } from "@/core/format";
import { Timestamp } from "@/components/ui/timestamp";

/** "scheduled for 2030-01-01 02:00:00 UTC (in 3.5 h)": the time, unambiguous, and how far off it is from `now`. */
export function ScheduledFor({ iso, inMaintenanceWindow, now }: { iso: string; inMaintenanceWindow: boolean; now: number }) {
  const seconds = (Date.parse(iso) - now) / 1000;
  const distance = seconds >= 0 ? `in ${formatSeconds(Math.round(seconds))}` : `${formatSeconds(Math.round(-seconds))} ago`;
  return (
    <span>
      scheduled for <Timestamp iso={iso} /> ({distance}){inMaintenanceWindow ? ", inside a maintenance window only" : ""}
    </span>
  );
}
