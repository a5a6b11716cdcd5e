"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertRule } from "@/contracts/alerts";
import type { SilenceView } from "@/contracts/silences";
import { reaches, type Reach } from "@/core/access/access";
import { ApiClientError } from "@/client/api-client";
import { expireSilenceRequest, refreshSilences, silenceQueries } from "@/client/queries/silences";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import { SilenceForm } from "./silence-form";

/** What a silence matches, in words. */
function matcherText(silence: SilenceView): string {
  const parts = [
    silence.serviceId ? `service ${silence.serviceId}` : null,
    silence.ruleId ? `rule ${silence.ruleId}` : null,
    Object.keys(silence.labels).length ? `labels ${Object.entries(silence.labels).map(([key, value]) => `${key}=${value}`).join(", ")}` : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

function Expire({ silence }: { silence: SilenceView }) {
  const queryClient = useQueryClient();
  const expire = useMutation({ mutationFn: () => expireSilenceRequest(silence.id), onSuccess: () => refreshSilences(queryClient) });
  return (
    <>
      <button type="button" className="button" disabled={expire.isPending} onClick={() => expire.mutate()} aria-label={`Expire silence ${silence.id} now`}>
        {expire.isPending ? "Expiring…" : "Expire now"}
      </button>
      {expire.isError ? (
        <span className="field-error" role="alert">
          {expire.error instanceof ApiClientError ? expire.error.message : "Not expired."}
        </span>
      ) : null}
    </>
  );
}

function SilenceRow({ silence, mayExpire }: { silence: SilenceView; mayExpire: boolean }) {
  return (
    <tr data-testid={`silence-${silence.id}`} data-state={silence.state}>
      <td>
        <Badge tone={silence.state === "active" ? "info" : silence.state === "pending" ? "warn" : "neutral"}>{silence.state}</Badge>
      </td>
      <td>
        <div>{matcherText(silence)}</div>
        <div className="muted">
          “{silence.reason}” — {silence.createdBy}
        </div>
      </td>
      <td>
        <div>
          from <Timestamp iso={silence.startsAt} />
        </div>
        <div>
          {silence.expiredAt ? "expired" : "until"} <Timestamp iso={silence.expiredAt ?? silence.endsAt} />
          {silence.expiredBy ? <span className="muted"> by {silence.expiredBy}</span> : null}
        </div>
      </td>
      <td>
        {silence.state !== "active" ? (
          <span className="muted">—</span>
        ) : silence.mutes.length === 0 ? (
          <span className="muted">no open alert matches now</span>
        ) : (
          <ul className="plain-list">
            {silence.mutes.map((alert) => (
              <li key={alert.id}>
                {alert.state} · {alert.ruleId} · {alert.subject}
                {alert.serviceId ? <span className="muted"> ({alert.serviceId})</span> : null}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{silence.state !== "expired" && mayExpire ? <Expire silence={silence} /> : null}</td>
    </tr>
  );
}

function SilenceTable({ silences, label, silenceReach }: { silences: SilenceView[]; label: string; silenceReach: Reach }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Matches</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Mutes now</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {silences.map((silence) => (
            <SilenceRow key={silence.id} silence={silence} mayExpire={reaches(silenceReach, silence.serviceId)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The silences on the alerts page: those active or about to start, with the
 * open alerts each mutes now, the most recently ended, and (for operators)
 * the form that adds one.
 */
export function SilencesPanel({ serviceIds, rules, silenceReach }: { serviceIds: string[]; rules: AlertRule[]; silenceReach: Reach }) {
  const { data, error, isPending } = useQuery(silenceQueries.list());
  const silenceable = serviceIds.filter((serviceId) => reaches(silenceReach, serviceId));
  return (
    <section className="card" aria-labelledby="silences-heading" style={{ marginBottom: 16 }}>
      <h2 id="silences-heading">Silences</h2>
      <p className="muted">
        A silenced, inhibited or maintenance-window alert is recorded, evaluated and audited like any other, but sent to no webhook while it is muted. Maintenance windows (in each
        service&apos;s policy) mute the services they cover.
      </p>
      {silenceReach.kind !== "nowhere" ? <SilenceForm serviceIds={silenceable} rules={rules} fleet={silenceReach.kind === "everywhere"} /> : null}
      {error ? (
        <div className="alert alert-error" role="alert">
          Could not load the silences: {error.message}.
        </div>
      ) : null}
      {isPending ? <p className="muted">Loading silences…</p> : null}
      {data && data.active.length === 0 ? <p className="muted">No silence is active or about to start.</p> : null}
      {data && data.active.length > 0 ? <SilenceTable silences={data.active} label="Active silences" silenceReach={silenceReach} /> : null}
      {data && data.expired.length > 0 ? (
        <details style={{ marginTop: 8 }}>
          <summary>Ended ({data.expired.length})</summary>
          <SilenceTable silences={data.expired} label="Ended silences" silenceReach={silenceReach} />
        </details>
      ) : null}
    </section>
  );
}
