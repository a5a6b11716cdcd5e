"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { parse } from "yaml";
import type { ApplyTopologyResult, TopologyPlanView } from "@/contracts/topology-api";
import type { ApprovalChoice } from "@/core/topology/plan-topology";
import { fleetQueries } from "@/client/queries/fleet";
import { governanceQueries } from "@/client/queries/governance";
import { applyTopology, exportHref, exportTopologyYaml, planTopology } from "@/client/queries/topology";
import { PlanSummary } from "@/components/topology/plan-summary";
import { ProblemAlert } from "@/components/topology/problem-alert";
import { ApplyResultPanel, SubmitChange } from "@/components/topology/submit-change";
import { usePendingFocus } from "@/components/ui/use-pending-focus";

/** The editor's text as a document, or what is wrong with it as YAML (the API names what is wrong with it as a fleet document). */
function parseYaml(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: parse(text) };
  } catch (error) {
    return { ok: false, message: `The document is not valid YAML: ${error instanceof Error ? error.message : "unparseable"}` };
  }
}

const keyOf = (text: string, approval: ApprovalChoice) => JSON.stringify([text, approval]);

/**
 * The whole topology as the fleet document `switchyard export` writes.
 * Everyone can read and download it; admins edit it, see the plan of
 * exactly what they typed, and submit it with a reason: what can alter a
 * failover (and, by default, everything else) becomes a change request.
 */
export function TopologyEditor({ initialYaml, mayManage }: { initialYaml: string; mayManage: boolean }) {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(initialYaml);
  const [text, setText] = useState(initialYaml);
  const [approval, setApproval] = useState<ApprovalChoice>("always");
  const [reason, setReason] = useState("");
  const [yamlProblem, setYamlProblem] = useState<string | null>(null);
  const [planned, setPlanned] = useState<{ key: string; plan: TopologyPlanView } | null>(null);
  const [submitted, setSubmitted] = useState<{ key: string; result: ApplyTopologyResult } | null>(null);
  const edited = text !== live;
  const focusSoon = usePendingFocus();

  const reload = useMutation({
    mutationFn: () => exportTopologyYaml(),
    onSuccess: (yaml) => {
      setLive(yaml);
      setText(yaml);
      setPlanned(null);
      setYamlProblem(null);
    },
  });
  const planning = useMutation({
    mutationFn: ({ document, choice }: { document: unknown; choice: ApprovalChoice; source: string; focus: boolean }) => planTopology(document, choice),
    onSuccess: (plan, { choice, source, focus }) => {
      setPlanned({ key: keyOf(source, choice), plan });
      if (focus) focusSoon("topology-plan-heading");
    },
  });
  const submitting = useMutation({
    mutationFn: ({ document, source }: { document: unknown; source: string }) => applyTopology(document, reason.trim(), approval).then((result) => ({ result, source })),
    onSuccess: async ({ result, source }) => {
      setSubmitted({ key: keyOf(source, approval), result });
      await Promise.all([queryClient.invalidateQueries({ queryKey: fleetQueries.all() }), queryClient.invalidateQueries({ queryKey: governanceQueries.all() })]);
    },
  });

  const runPlan = (choice: ApprovalChoice, focus: boolean) => {
    const parsed = parseYaml(text);
    setYamlProblem(parsed.ok ? null : parsed.message);
    if (parsed.ok) planning.mutate({ document: parsed.value, choice, source: text, focus });
  };
  const current = planned && planned.key === keyOf(text, approval) ? planned.plan : null;
  // While the plan for a flipped checkbox is on its way, the last one stays on screen, not submittable.
  const plan = current ?? (planning.isPending && planned ? planned.plan : null);
  const result = submitted && submitted.key === keyOf(text, approval) ? submitted.result : null;
  const blocked = planning.isPending ? "Planning…" : !current ? "Plan exactly this text first." : !current.acceptable ? "The plan breaks a rule: fix the document and plan again." : null;

  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="fleet-document-heading">
        <div className="card-header">
          <h2 id="fleet-document-heading">Fleet document</h2>
          <div className="row">
            <a className="button button-small" href={exportHref()} download="fleet.yaml">
              Download fleet.yaml
            </a>
            <button type="button" className="button button-small" disabled={reload.isPending} onClick={() => reload.mutate()}>
              {reload.isPending ? "Reloading…" : edited ? "Discard edits and reload the live topology" : "Reload the live topology"}
            </button>
          </div>
        </div>
        {reload.isError ? <ProblemAlert error={reload.error} prefix="Could not reload the topology:" /> : null}
        <form
          className="form"
          aria-label="Edit the topology"
          onSubmit={(event) => {
            event.preventDefault();
            runPlan(approval, true);
          }}
        >
          <div className="field">
            <label htmlFor="fleet-document">Fleet document (YAML)</label>
            <textarea
              id="fleet-document"
              className="yaml-editor"
              spellCheck={false}
              value={text}
              readOnly={!mayManage}
              onChange={(event) => setText(event.target.value)}
              aria-describedby="fleet-document-hint"
              aria-invalid={yamlProblem !== null}
            />
            <span className="hint" id="fleet-document-hint">
              {mayManage
                ? "Each service the document names becomes exactly what it lists (a replica left out is retired: its history stays readable); services and regions it does not name are left alone. The primary moves by the planned-switchover runbook, not here."
                : "Read only: changing the topology needs the admin role (permission topology:manage). Download it, or ask an admin."}
            </span>
          </div>
          {mayManage ? (
            <div className="row">
              <button type="submit" className="button button-primary" disabled={planning.isPending}>
                {planning.isPending ? "Planning…" : "Plan"}
              </button>
              <span className="muted">{edited ? "Edited: plan to see what applying it does." : "This is the live topology: applying it as it is changes nothing."}</span>
            </div>
          ) : null}
          {yamlProblem ? (
            <div className="alert alert-error" role="alert">
              {yamlProblem}
            </div>
          ) : null}
          {planning.isError ? <ProblemAlert error={planning.error} prefix="Refused:" /> : null}
        </form>
      </section>

      {mayManage && result ? (
        <section className="card stack" aria-labelledby="topology-submitted-heading">
          <h2 id="topology-submitted-heading">Submitted</h2>
          <ApplyResultPanel result={result} />
        </section>
      ) : mayManage && plan ? (
        <section className="card stack" aria-labelledby="topology-submit-heading">
          <h2 id="topology-submit-heading">Plan and submit</h2>
          <PlanSummary plan={plan} headingId="topology-plan-heading" />
          <SubmitChange
            idPrefix="topology"
            reason={reason}
            onReasonChange={setReason}
            approval={approval}
            onApprovalChange={(choice) => {
              setApproval(choice);
              if (current) runPlan(choice, false);
            }}
            blocked={blocked}
            pending={submitting.isPending}
            error={submitting.error}
            onSubmit={() => {
              const parsed = parseYaml(text);
              if (parsed.ok) submitting.mutate({ document: parsed.value, source: text });
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
