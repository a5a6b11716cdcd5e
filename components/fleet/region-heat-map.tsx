import type { RegionMatrix, RegionMatrixCellView } from "@/contracts/region-matrix";
import { Timestamp } from "@/components/ui/timestamp";
import { formatRtt, rttBand } from "./rtt-scale";

export const cellKey = (from: string, to: string) => JSON.stringify([from, to]);

/** What a cell says in words: the same text is its visible content and its accessible name. */
export function describeCell(cell: RegionMatrixCellView): string {
  const reach =
    cell.reachability === "all"
      ? `all ${cell.probes} probes reach`
      : cell.reachability === "none"
        ? `unreachable: none of ${cell.probes} probes reach`
        : `${cell.reachableProbes} of ${cell.probes} probes reach`;
  const rtt = cell.rttMs.median === null ? "no round trip measured" : `median ${formatRtt(cell.rttMs.median)}, max ${formatRtt(cell.rttMs.max ?? cell.rttMs.median)}`;
  const at = `${cell.lastObservedAt.slice(0, 10)} ${cell.lastObservedAt.slice(11, 19)} UTC`;
  return `${cell.from} to ${cell.to}: ${cell.stale ? "stale, last known " : ""}${reach}, ${rtt}, last observed ${at}`;
}

function cellClass(cell: RegionMatrixCellView): string {
  if (cell.stale) return "heat-cell heat-stale";
  if (cell.reachability === "none" || cell.rttMs.median === null) return "heat-cell heat-unreachable";
  return `heat-cell ${rttBand(cell.rttMs.median).className}${cell.reachability === "some" ? " heat-partial" : ""}`;
}

function CellContent({ cell }: { cell: RegionMatrixCellView }) {
  return (
    <>
      {cell.stale ? <span className="heat-flag">◷ stale</span> : null}
      {cell.reachability === "none" ? (
        <strong className="heat-value">✕ unreachable</strong>
      ) : (
        <strong className="heat-value">{cell.rttMs.median === null ? "no RTT" : formatRtt(cell.rttMs.median)}</strong>
      )}
      {cell.reachability === "some" ? (
        <span className="heat-flag">
          ⚠ {cell.reachableProbes}/{cell.probes} reach
        </span>
      ) : null}
      <span className="heat-time">
        <Timestamp iso={cell.lastObservedAt} />
      </span>
    </>
  );
}

/**
 * Witness regions down, probed regions across. Each probed cell is a button:
 * keyboard users tab through the cells and pick one for its details.
 */
export function RegionHeatMap({ matrix, selected, onSelect }: { matrix: RegionMatrix; selected: string | null; onSelect: (key: string) => void }) {
  const cells = new Map(matrix.cells.map((cell) => [cellKey(cell.from, cell.to), cell]));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="heat-map">
        <caption>Witness probes from each region (rows) to each region (columns): median round-trip time, reachability and last observation</caption>
        <thead>
          <tr>
            <th scope="col">from ↓ / to →</th>
            {matrix.regions.map((region) => (
              <th key={region.id} scope="col" className="mono">
                {region.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.regions.map((from) => (
            <tr key={from.id}>
              <th scope="row" className="mono">
                {from.id}
              </th>
              {matrix.regions.map((to) => {
                const key = cellKey(from.id, to.id);
                const cell = cells.get(key);
                if (!cell) {
                  return (
                    <td key={to.id} className="heat-cell heat-none">
                      <span className="muted">not probed</span>
                    </td>
                  );
                }
                return (
                  <td key={to.id} className={cellClass(cell)}>
                    <button type="button" className="heat-button" aria-pressed={selected === key} aria-label={describeCell(cell)} onClick={() => onSelect(key)}>
                      <CellContent cell={cell} />
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
