/**
 * RTT bands of the heat map, light to dark in one hue (ColorBrewer "Blues"):
 * a single-hue lightness ramp reads the same for every kind of colour
 * blindness, and every cell prints its number anyway.
 */
export const RTT_BANDS = [
  { upToMs: 10, label: "< 10 ms", className: "rtt-band-0" },
  { upToMs: 50, label: "10–50 ms", className: "rtt-band-1" },
  { upToMs: 100, label: "50–100 ms", className: "rtt-band-2" },
  { upToMs: 200, label: "100–200 ms", className: "rtt-band-3" },
  { upToMs: Number.POSITIVE_INFINITY, label: "≥ 200 ms", className: "rtt-band-4" },
] as const;

export function rttBand(ms: number): (typeof RTT_BANDS)[number] {
  return RTT_BANDS.find((band) => ms < band.upToMs) ?? RTT_BANDS[4];
}

export function formatRtt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
