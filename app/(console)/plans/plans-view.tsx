"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { CreatePlanRequest, PlanDryRunView, PlanListView } from "@/contracts/plans";
import type { ServiceList } from "@/contracts/services";
import { ApiClientError } from "@/client/api-client";
import { createPlanRequest, planQueries } from "@/client/queries/plans";
import { StateBadge } from "@/components/runbooks/step-state-badge";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";

type PlanRequest = Omit<CreatePlanRequest, "dryRun">;

/** `tier=critical, team=checkout` → `{ tier: "critical", team: "checkout" }`; null when empty. */
function labelsOf(text: string): Record<string, string> | null {
  const pairs = text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => [pair.slice(0, Math.max(0, pair.indexOf("="))).trim() || pair, pair.includes("=") ? pair.slice(pair.indexOf("=") + 1).trim() : ""] as const);
  return pairs.length ? Object.fromEntries(pairs) : null;
}

/** `orders-db, payments-db` per line → one group per line, in order. */
function groupsOf(text: string): string[][] {
  return text
    .split("\n")
    .map((line) => line.split(",").map((word) => word.trim()).filter(Boolean))
    .filter((group) => group.length);
}

function DryRunTable({ dryRun }: { dryRun: PlanDryRunView }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="muted" style={{ textAlign: "left" }}>
          As of <Timestamp iso={dryRun.snapshotAt} />:{" "}
          {dryRun.cannotMove.length ? `${dryRun.cannotMove.length} service(s) cannot move now.` : "every service with its primary in the region can move."}
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Primary → target</th>
            <th scope="col">Waits for</th>
            <th scope="col">Residency</th>
            <th scope="col">RPO</th>
            <th scope="col">Checks now</th>
          </tr>
        </thead>
        <tbody>
          {dryRun.services.map((service) => {
            const checks = service.steps.filter((step) => step.kind === "check");
            const passing = checks.filter((step) => step.condition && typeof step.condition === "object" && "holds" in step.condition && step.condition.holds).length;
            return (
              <tr key={service.serviceId}>
                <th scope="row">{service.serviceId}</th>
                <td>
                  {service.inRegion ? (
                    <>
                      {service.primary} → {service.target ? `${service.target} (${service.targetRegionId})` : <Badge tone="bad">no target</Badge>}
                    </>
                  ) : (
                    <span className="muted">nothing to move: primary {service.primary ?? "—"} is in {service.primaryRegionId ?? "no region"}</span>
                  )}
                </td>
                <td>{service.dependsOn.join(", ") || "—"}</td>
                <td>{service.residency.length ? service.residency.map((verdict) => <div key={verdict.dataset}>{verdict.holds ? "✓" : "✗"} {verdict.dataset}: {verdict.sentence}</div>) : "—"}</td>
                <td>{service.rpo.length ? service.rpo.map((verdict) => <div key={verdict.dataset}>{verdict.holds ? "✓" : "⚠"} {verdict.dataset}: {verdict.sentence}</div>) : "—"}</td>
                <td>
                  {service.blockers.length ? (
                    <ul className="field-error" style={{ margin: 0, paddingLeft: 16 }}>
                      {service.blockers.map((blocker) => (
                        <li key={blocker}>{blocker}</li>
                      ))}
                    </ul>
                  ) : service.inRegion ? (
                    `${passing} of ${checks.length} checks hold`
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function NewPlanForm({ fleet, canOperate }: { fleet: ServiceList; canOperate: boolean }) {
  const router = useRouter();
  const live = fleet.services.filter((service) => !service.retiredAt);
  const withPrimaries = fleet.regions.filter((region) => live.some((service) => service.writeRegionId === region.id));
  const [regionId, setRegionId] = useState(withPrimaries[0]?.id ?? fleet.regions[0]?.id ?? "");
  const inRegion = live.filter((service) => service.writeRegionId === regionId).map((service) => service.id);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const services = chosen ?? inRegion;
  const [request, setRequest] = useState<PlanRequest | null>(null);

  const dryRun = useMutation({
    mutationFn: (body: PlanRequest) => createPlanRequest({ ...body, dryRun: true }),
    onSuccess: (_answer, body) => setRequest(body),
  });
  const start = useMutation({
    mutationFn: (body: PlanRequest) => createPlanRequest(body),
    onSuccess: (answer) => {
      if ("id" in answer) router.push(`/plans/${answer.id}`);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const at = String(form.get("scheduledAt") ?? "");
    const groups = groupsOf(String(form.get("groups") ?? ""));
    const labels = labelsOf(String(form.get("labels") ?? ""));
    start.reset();
    dryRun.mutate({
      regionId,
      mode: form.get("mode") === "failover" ? "failover" : "switchover",
      // Labels select the services instead of the boxes, on the server, as they are when the plan starts.
      ...(labels ? { labels } : { services }),
      order: groups.length ? { groups } : {},
      concurrency: Number(form.get("concurrency")),
      failurePolicy: form.get("failurePolicy") === "continue" ? "continue" : "stop",
      reason: String(form.get("reason") ?? ""),
      // The field is read as UTC, as its label says, whatever the browser's zone.
      ...(at ? { scheduledAt: `${at}:00Z` } : {}),
      inMaintenanceWindow: form.get("inMaintenanceWindow") === "on",
      ...(form.get("drill") === "on" ? { drill: { switchBack: form.get("drillSwitchBack") === "on" } } : {}),
    });
  };
  const answer = dryRun.data && "snapshotAt" in dryRun.data ? dryRun.data : null;
  const error = (dryRun.error ?? start.error) as Error | null;

  return (
    <section className="card" aria-labelledby="new-plan">
      <h2 id="new-plan">Evacuate a region</h2>
      {canOperate ? null : <p className="muted">Starting a plan needs the operator role on every service; you can read plans and their dry runs here.</p>}
      <form className="form" onSubmit={submit} onChange={() => setRequest(null)}>
        <fieldset disabled={!canOperate} className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <div className="field">
            <label htmlFor="plan-region">Region to move out of</label>
            <select id="plan-region" value={regionId} onChange={(event) => (setRegionId(event.target.value), setChosen(null))}>
              {fleet.regions.map((region) => (
                <option key={region.id} value={region.id}>
                  {region.id} — {region.displayName} ({live.filter((service) => service.writeRegionId === region.id).length} primaries)
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field">
            <legend>How</legend>
            <label>
              <input type="radio" name="mode" value="switchover" defaultChecked /> Switchover — the region still answers (planned maintenance)
            </label>
            <label>
              <input type="radio" name="mode" value="failover" /> Failover — the region is lost
            </label>
          </fieldset>
          <fieldset className="field">
            <legend>Services ({services.length})</legend>
            {live.map((service) => (
              <label key={service.id}>
                <input
                  type="checkbox"
                  checked={services.includes(service.id)}
                  onChange={(event) => setChosen(event.target.checked ? [...services, service.id] : services.filter((id) => id !== service.id))}
                />{" "}
                {service.id} <span className="muted">(primary in {service.writeRegionId ?? "no region"})</span>
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="plan-labels">Or every service in the region with these labels (optional)</label>
            <input id="plan-labels" name="labels" type="text" placeholder="tier=critical, team=checkout" />
            <span className="hint">When set, the boxes above are ignored: the plan takes every service carrying all these labels whose primary is in the region.</span>
          </div>
          <div className="field">
            <label htmlFor="plan-groups">Order (optional): one group per line, services separated by commas</label>
            <textarea id="plan-groups" name="groups" rows={3} placeholder={"orders-db\norders-history"} />
            <span className="hint">Each group starts once every service of the group before has moved. Services in no group start whenever a slot is free.</span>
          </div>
          <div className="row">
            <div className="field">
              <label htmlFor="plan-concurrency">Services moving at once</label>
              <input id="plan-concurrency" name="concurrency" type="number" min={1} max={100} defaultValue={1} required />
            </div>
            <div className="field">
              <label htmlFor="plan-failure">When a service fails to move</label>
              <select id="plan-failure" name="failurePolicy" defaultValue="stop">
                <option value="stop">Stop: start no other service</option>
                <option value="continue">Continue with services that do not wait for it</option>
              </select>
            </div>
          </div>
          <div className="row">
            <div className="field">
              <label htmlFor="plan-at">Start at (UTC, optional)</label>
              <input id="plan-at" name="scheduledAt" type="datetime-local" />
              <span className="hint">Empty: start now. The time is UTC, not your browser&apos;s zone.</span>
            </div>
            <label style={{ alignSelf: "center" }}>
              <input type="checkbox" name="inMaintenanceWindow" /> only inside a maintenance window of every service
            </label>
          </div>
          <fieldset className="field">
            <legend>Drill (optional)</legend>
            <label>
              <input type="checkbox" name="drill" /> Run this plan as a drill: each service&apos;s run is measured by a canary and reported against its datasets&apos; RTO/RPO budgets
            </label>
            <label>
              <input type="checkbox" name="drillSwitchBack" /> and switch each service back to this region once its drill&apos;s run succeeds
            </label>
            <span className="hint">A service whose policy requires approval of drills makes the whole plan drill wait for one second person&apos;s approval before any service starts.</span>
          </fieldset>
          <div className="field">
            <label htmlFor="plan-reason">Reason (for the audit trail and every run)</label>
            <input id="plan-reason" name="reason" type="text" minLength={5} required />
          </div>
          <div className="row">
            <button type="submit" className="button button-primary" disabled={dryRun.isPending}>
              {dryRun.isPending ? "Planning…" : "Dry run"}
            </button>
            <span className="muted">Shows what each service would do; changes nothing.</span>
          </div>
        </fieldset>
      </form>
      {error ? (
        <div className="alert alert-error" role="alert" style={{ marginTop: 12 }}>
          {error instanceof ApiClientError ? error.message : "The request failed; nothing was started."}
        </div>
      ) : null}
      {answer ? (
        <div className="stack" style={{ marginTop: 16 }}>
          {answer.drill ? (
            <p role="status">
              <Badge tone="info">drill</Badge> {answer.drill.sentence}
            </p>
          ) : null}
          <DryRunTable dryRun={answer} />
          {request ? (
            <div className="row">
              <button type="button" className="button button-danger" disabled={start.isPending} onClick={() => start.mutate(request)}>
                {request.drill ? (answer.drill?.approvalRequiredBy.length ? "Ask for approval of this drill" : request.scheduledAt ? "Schedule this drill" : "Start this drill") : request.scheduledAt ? "Schedule this evacuation" : "Start this evacuation"}
              </button>
              <span className="muted">
                Starts one run per service as above; their confirmations are yours. Approvals a run needs still wait for a second person.
              </span>
            </div>
          ) : (
            <p className="muted">The form changed since this dry run: run it again before starting.</p>
          )}
        </div>
      ) : null}
    </section>
  );
}

export function PlansView({ initial, fleet, canOperate }: { initial: PlanListView; fleet: ServiceList; canOperate: boolean }) {
  const { data, isError } = useQuery({ ...planQueries.list(), initialData: initial });
  return (
    <div className="stack">
      <NewPlanForm fleet={fleet} canOperate={canOperate} />
      <section className="card" aria-labelledby="recent-plans">
        <h2 id="recent-plans">Plans</h2>
        {isError ? <p className="field-error">Could not refresh the plans; showing the last ones received.</p> : null}
        {data.plans.length === 0 ? (
          <EmptyState title="No plans yet">A plan moves the write role of every service out of a region.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Plan</th>
                  <th scope="col">Status</th>
                  <th scope="col">Services</th>
                  <th scope="col">By</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {data.plans.map((plan) => (
                  <tr key={plan.id}>
                    <td>
                      <Link href={`/plans/${plan.id}`}>
                        {plan.drill ? "drill: " : ""}
                        {plan.mode} out of {plan.regionId}
                      </Link>
                      <div className="muted">{plan.reason}</div>
                    </td>
                    <td>
                      <StateBadge state={plan.status} />
                    </td>
                    <td>
                      {Object.entries(plan.counts)
                        .map(([state, count]) => `${count} ${state.replace("_", " ")}`)
                        .join(", ")}
                    </td>
                    <td>{plan.startedBy}</td>
                    <td>
                      {plan.status === "scheduled" && plan.scheduledAt ? (
                        <>
                          scheduled for <Timestamp iso={plan.scheduledAt} />
                        </>
                      ) : (
                        <Timestamp iso={plan.startedAt ?? plan.createdAt} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
