"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { AlertRule } from "@/contracts/alerts";
import type { CreateSilenceRequest } from "@/contracts/silences";
import { MAX_SILENCE_MS } from "@/core/alerts/silences";
import { ApiClientError } from "@/client/api-client";
import { createSilenceRequest, refreshSilences } from "@/client/queries/silences";
import { DurationSelect } from "@/components/ui/duration-select";

const HOUR = 3_600_000;
const DURATIONS = [
  { label: "1 h", ms: HOUR },
  { label: "4 h", ms: 4 * HOUR },
  { label: "24 h", ms: 24 * HOUR },
  { label: "7 d", ms: 7 * 24 * HOUR },
  { label: "30 d", ms: MAX_SILENCE_MS },
];
// The server refuses an end more than 30 days from its own clock; a minute's margin keeps "30 d" accepted when this browser's clock runs ahead.
const CLOCK_MARGIN_MS = 60_000;

/** `tier=critical, team=checkout` as label pairs; the problem when a pair is not `key=value`. */
function parseLabels(text: string): { labels: Record<string, string> } | { problem: string } {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [key, value, ...rest] = pair.split("=").map((part) => part.trim());
    if (!key || !value || rest.length) return { problem: `labels: "${pair}" is not key=value` };
    labels[key] = value;
  }
  return { labels };
}

/**
 * Silences alerts by service, rule and/or labels from now, with a reason and
 * an end at most 30 days away. `serviceIds` are the services the viewer may
 * silence; `fleet` whether they may silence across services (by rule or labels only).
 */
export function SilenceForm({ serviceIds, rules, fleet }: { serviceIds: string[]; rules: AlertRule[]; fleet: boolean }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [serviceId, setServiceId] = useState(fleet ? "" : (serviceIds[0] ?? ""));
  const [ruleId, setRuleId] = useState("");
  const [labelText, setLabelText] = useState("");
  const [startText, setStartText] = useState("");
  const [duration, setDuration] = useState(HOUR);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateSilenceRequest) => createSilenceRequest(body),
    onSuccess: async () => {
      setReason("");
      setLabelText("");
      setStartText("");
      await refreshSilences(queryClient);
    },
  });
  return (
    <form
      className="form"
      aria-label="Silence alerts"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseLabels(labelText);
        if ("problem" in parsed) return setProblem(parsed.problem);
        setProblem(null);
        // A datetime-local input has no zone: the form asks for UTC, as every time on the page is.
        const startsAt = startText ? new Date(`${startText}:00Z`) : null;
        const start = startsAt?.getTime() ?? Date.now();
        create.mutate({
          serviceId: serviceId || undefined,
          ruleId: (ruleId || undefined) as CreateSilenceRequest["ruleId"],
          labels: Object.keys(parsed.labels).length ? parsed.labels : undefined,
          startsAt: startsAt?.toISOString(),
          endsAt: new Date(start + Math.min(duration, MAX_SILENCE_MS - CLOCK_MARGIN_MS)).toISOString(),
          reason: reason.trim(),
        });
      }}
    >
      <div className="row" style={{ alignItems: "flex-end", flexWrap: "wrap", gap: 12 }}>
        <div className="field">
          <label htmlFor={`${id}-service`}>Service</label>
          <select id={`${id}-service`} value={serviceId} onChange={(event) => setServiceId(event.target.value)}>
            {fleet ? <option value="">Any service</option> : null}
            {serviceIds.map((service) => (
              <option key={service} value={service}>
                {service}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-rule`}>Rule</label>
          <select id={`${id}-rule`} value={ruleId} onChange={(event) => setRuleId(event.target.value)}>
            <option value="">Any rule</option>
            {rules.map((rule) => (
              <option key={rule.id} value={rule.id}>
                {rule.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-labels`}>Service labels</label>
          <input id={`${id}-labels`} type="text" value={labelText} onChange={(event) => setLabelText(event.target.value)} placeholder="tier=critical, team=checkout" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-start`}>Starts (UTC)</label>
          <input id={`${id}-start`} type="datetime-local" value={startText} onChange={(event) => setStartText(event.target.value)} aria-describedby={`${id}-hint`} />
        </div>
        <DurationSelect id={`${id}-duration`} value={duration} options={DURATIONS} onChange={setDuration} />
        <div className="field" style={{ flex: 1, minWidth: 240 }}>
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} type="text" required value={reason} onChange={(event) => setReason(event.target.value)} aria-describedby={`${id}-hint`} />
        </div>
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Silencing…" : "Silence"}
        </button>
      </div>
      <span id={`${id}-hint`} className="hint muted small">
        Starts now unless a start is given; ends that long after it. Matching alerts are still recorded, evaluated and audited, but nobody is notified of them until the silence ends; one still firing then is announced.
      </span>
      {problem || create.isError ? (
        <span className="field-error" role="alert">
          {problem ?? (create.error instanceof ApiClientError ? create.error.message : "The silence was not recorded.")}
        </span>
      ) : null}
    </form>
  );
}
