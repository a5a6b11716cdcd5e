"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import type { DiscoveryResult } from "@/contracts/discovery";
import type { TopologyPlanView } from "@/contracts/topology-api";
import { completeProposal, initialAnswers, type AnswerProblem, type ProposalAnswers } from "@/core/discovery/answer-proposal";
import type { ApprovalChoice } from "@/core/topology/plan-topology";
import { fleetQueries } from "@/client/queries/fleet";
import { governanceQueries } from "@/client/queries/governance";
import { applyTopology, planTopology } from "@/client/queries/topology";
import { PlanSummary } from "@/components/topology/plan-summary";
import { ProblemAlert } from "@/components/topology/problem-alert";
import { ApplyResultPanel, SubmitChange } from "@/components/topology/submit-change";
import { usePendingFocus } from "@/components/ui/use-pending-focus";
import { fieldId } from "./answer-field";
import { AnswersForm } from "./answers-form";
import { DiscoverForm } from "./discover-form";
import type { Choice } from "./replica-answers";

const STEPS = ["Discover", "Answer and review", "Submit"] as const;

interface Known {
  regions: Choice[];
  serviceIds: string[];
}

/** The plan of exactly one document and approval choice: a plan of anything else is out of date. */
interface Planned {
  key: string;
  plan: TopologyPlanView;
}

const planKey = (fleet: unknown, choice: ApprovalChoice) => JSON.stringify([fleet, choice]);

function ProblemSummary({ problems }: { problems: AnswerProblem[] }) {
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => summary.current?.focus(), []);
  return (
    <div ref={summary} className="alert alert-error" role="alert" tabIndex={-1} aria-labelledby="answer-problems-heading">
      <strong id="answer-problems-heading">
        {problems.length === 1 ? "1 answer needs" : `${problems.length} answers need`} attention before the change can be reviewed
      </strong>
      <ul>
        {problems.map((problem) => (
          <li key={problem.path}>
            <a href={`#${fieldId(problem.path)}`}>{problem.message}</a> <span className="mono small">({problem.path})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Adding a service: discover the running cluster, answer what PostgreSQL
 * cannot know, review the plan (the diff, how each part is applied and why,
 * any rule it breaks), then submit with a reason. By default the new
 * service goes to approvers as a change request, though an admin could
 * create it alone.
 */
export function AddServiceFlow({ known }: { known: Known }) {
  const queryClient = useQueryClient();
  const [discovery, setDiscovery] = useState<{ result: DiscoveryResult; round: number } | null>(null);
  const [answers, setAnswers] = useState<ProposalAnswers | null>(null);
  const [reviews, setReviews] = useState(0);
  const [approval, setApproval] = useState<ApprovalChoice>("always");
  const [reason, setReason] = useState("");
  const [planned, setPlanned] = useState<Planned | null>(null);
  const focusSoon = usePendingFocus();

  const completed = useMemo(
    () => (discovery && answers ? completeProposal(discovery.result.proposal, answers, { regionIds: known.regions.map((region) => region.id), serviceIds: known.serviceIds }) : null),
    [discovery, answers, known],
  );
  // Problems show once a review was asked for, and then follow the answers as they are fixed.
  const problems = reviews > 0 && completed && !completed.ok ? completed.problems : [];
  const problemOf = (path: string) => problems.find((problem) => problem.path === path)?.message;
  const current = planned && completed?.ok && planned.key === planKey(completed.document, approval) ? planned.plan : null;

  const planning = useMutation({
    mutationFn: ({ fleet, choice }: { fleet: unknown; choice: ApprovalChoice; focus: boolean }) => planTopology(fleet, choice),
    onSuccess: (result, { fleet, choice, focus }) => {
      setPlanned({ key: planKey(fleet, choice), plan: result });
      // After a review the plan is what to read next; after flipping the checkbox the focus stays on it.
      if (focus) focusSoon("plan-heading");
    },
  });
  const submitting = useMutation({
    mutationFn: () => {
      if (!completed?.ok) throw new Error("Review the change first.");
      return applyTopology(completed.document, reason.trim(), approval);
    },
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: fleetQueries.all() }), queryClient.invalidateQueries({ queryKey: governanceQueries.all() })]);
    },
  });

  const review = () => {
    setReviews((count) => count + 1);
    if (completed?.ok) planning.mutate({ fleet: completed.document, choice: approval, focus: true });
  };
  const changeApproval = (choice: ApprovalChoice) => {
    setApproval(choice);
    if (current && completed?.ok) planning.mutate({ fleet: completed.document, choice, focus: false });
  };
  // While the plan for a flipped checkbox is on its way, the last one stays on screen (and the checkbox with the focus), not submittable.
  const plan = current ?? (planning.isPending && planned ? planned.plan : null);

  const step = submitting.isSuccess || plan ? 2 : discovery ? 1 : 0;
  const blocked = planning.isPending
    ? "Planning…"
    : !current
      ? "Review the change first."
      : !current.acceptable
        ? "The plan breaks a rule: fix the answers and review again."
        : null;

  return (
    <div className="stack">
      <ol className="steps" aria-label="Steps">
        {STEPS.map((label, index) => (
          <li key={label} aria-current={index === step ? "step" : undefined}>
            {index + 1}. {label}
          </li>
        ))}
      </ol>

      <section className="card" aria-labelledby="discover-heading">
        <h2 id="discover-heading" style={{ marginBottom: 10 }}>
          1. Discover the cluster
        </h2>
        <DiscoverForm
          onDiscovered={(result) => {
            setDiscovery((current) => ({ result, round: (current?.round ?? 0) + 1 }));
            setAnswers(initialAnswers(result.proposal));
            setReviews(0);
            setPlanned(null);
            submitting.reset();
            focusSoon("answers-heading");
          }}
        />
      </section>

      {discovery && answers ? (
        <form
          key={discovery.round}
          className="stack"
          aria-labelledby="answers-heading"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            review();
          }}
        >
          <h2 id="answers-heading" tabIndex={-1}>
            2. Answer and review
          </h2>
          {problems.length ? <ProblemSummary key={reviews} problems={problems} /> : null}
          {/* Once submitted, the answers are what was submitted: start again to add another service. */}
          <fieldset disabled={submitting.isSuccess} className="stack">
            <AnswersForm result={discovery.result} answers={answers} onChange={setAnswers} problem={problemOf} knownRegions={known.regions} />
            <div className="row">
              <button type="submit" className="button button-primary" disabled={planning.isPending}>
                {planning.isPending ? "Planning…" : "Review the change"}
              </button>
              {planning.isPending ? (
                <span className="muted" role="status">
                  Planning against the live topology…
                </span>
              ) : null}
            </div>
          </fieldset>
          {planning.isError ? <ProblemAlert error={planning.error} prefix="The plan was refused:" /> : null}
        </form>
      ) : null}

      {submitting.isSuccess ? (
        <section className="card stack" aria-labelledby="submit-heading">
          <h2 id="submit-heading">3. Submitted</h2>
          <ApplyResultPanel result={submitting.data}>
            <p>
              <a href="/fleet/add-service">Add another service</a> · <Link href="/fleet">Back to the fleet</Link>
            </p>
          </ApplyResultPanel>
        </section>
      ) : plan ? (
        <section className="card stack" aria-labelledby="submit-heading">
          <h2 id="submit-heading">3. Submit</h2>
          <PlanSummary plan={plan} headingId="plan-heading" heading="What submitting does" />
          <SubmitChange
            idPrefix="add-service"
            reason={reason}
            onReasonChange={setReason}
            approval={approval}
            onApprovalChange={changeApproval}
            blocked={blocked}
            pending={submitting.isPending}
            error={submitting.error}
            onSubmit={() => submitting.mutate()}
          />
        </section>
      ) : planned && discovery ? (
        <p className="muted" role="status">
          The answers changed since the last review: review the change again to see what submitting does.
        </p>
      ) : null}
    </div>
  );
}
