import { RTT_BANDS } from "./rtt-scale";

export function HeatMapLegend() {
  return (
    <div className="heat-legend" aria-label="Legend">
      <span className="muted">Median round trip of witness probes (TCP connect + authentication + SELECT 1), in milliseconds:</span>
      <ul>
        {RTT_BANDS.map((band) => (
          <li key={band.className}>
            <span className={`heat-swatch ${band.className}`} aria-hidden="true" /> {band.label}
          </li>
        ))}
        <li>
          <span className="heat-swatch heat-unreachable" aria-hidden="true" /> ✕ unreachable (no probe gets through)
        </li>
        <li>
          <span className="heat-swatch heat-partial rtt-band-1" aria-hidden="true" /> ⚠ some probes fail (dashed edge)
        </li>
        <li>
          <span className="heat-swatch heat-stale" aria-hidden="true" /> ◷ stale: no probe within the staleness window (policy heartbeat × misses); grey, with the last values known
        </li>
        <li>
          <span className="heat-swatch heat-none" aria-hidden="true" /> not probed
        </li>
      </ul>
    </div>
  );
}
