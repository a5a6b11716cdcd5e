import type { RegionState } from "@/contracts/services";
import { Timestamp } from "@/components/ui/timestamp";
import { HealthBadge } from "./health-badge";
import { HealthCounts } from "./health-counts";

function Witnesses({ witnesses }: { witnesses: RegionState["witnesses"] }) {
  if (witnesses.observers === 0) return <span className="muted">no witnesses in other regions</span>;
  const all = witnesses.reaching === witnesses.observers;
  return (
    <span>
      {all ? "" : "⚠ "}
      {witnesses.reaching} of {witnesses.observers} witnesses reach it
      {witnesses.unreachableSince ? (
        <>
          {" "}
          · failing since <Timestamp iso={witnesses.unreachableSince} />
        </>
      ) : null}
    </span>
  );
}

/** One tile per region, bordered and badged by its worst replica, with what is in each state. */
export function RegionGrid({ regions }: { regions: RegionState[] }) {
  return (
    <ul className="region-grid" aria-label="Regions">
      {regions.map((state) => (
        <li key={state.region.id} className={`region-tile health-edge-${state.health}`} aria-label={`${state.region.id}: ${state.health}`}>
          <div className="region-tile-head">
            <h3 className="mono">{state.region.id}</h3>
            <HealthBadge health={state.health} />
          </div>
          <dl className="kv">
            <dt>Region</dt>
            <dd>
              {state.region.displayName} · {state.region.cloud} {state.region.code}
            </dd>
            <dt>Jurisdiction</dt>
            <dd>{state.region.jurisdiction}</dd>
            <dt>Replicas</dt>
            <dd>
              <HealthCounts counts={state.replicas} />
            </dd>
            <dt>Witnesses</dt>
            <dd>
              <Witnesses witnesses={state.witnesses} />
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
