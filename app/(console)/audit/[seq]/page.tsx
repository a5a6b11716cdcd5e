import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { auditSeqParamsSchema } from "@/contracts/audit-query";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";
import { automationRuleIn } from "@/core/automation/numbered-rule-ids";
import { auditEventDetailAs } from "@/server/audit-trail/audit-event-detail";
import { requirePagePermission } from "@/server/auth/current-actor";
import { NotFoundError } from "@/server/errors";
import { DiffTable } from "./diff-table";
import { RelatedEvents } from "./related-events";

export const metadata: Metadata = { title: "Audit event" };

async function detailOrNotFound(actor: Awaited<ReturnType<typeof requirePagePermission>>, seq: number) {
  try {
    return await auditEventDetailAs(actor, seq);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export default async function AuditEventPage({ params }: { params: Promise<{ seq: string }> }) {
  const actor = await requirePagePermission("audit:read");
  const parsed = auditSeqParamsSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const { event, diff, policyVersion, run, step, related } = await detailOrNotFound(actor, parsed.data.seq);
  const target = event.targetId ? `${event.targetType}:${event.targetId}` : event.targetType;
  const automationRule = automationRuleIn(event);
  return (
    <>
      <PageHeader
        title={`Event #${event.seq}: ${event.action}`}
        description={
          <Link href="/audit" className="muted">
            ← Audit trail
          </Link>
        }
        actions={
          <nav className="row" aria-label="Neighbouring events">
            {event.seq > 1 ? (
              <Link className="button button-small" href={`/audit/${event.seq - 1}`}>
                ← #{event.seq - 1}
              </Link>
            ) : null}
            <Link className="button button-small" href={`/audit/${event.seq + 1}`}>
              #{event.seq + 1} →
            </Link>
          </nav>
        }
      />
      <div className="stack">
        <section className="card" aria-labelledby="event-heading">
          <h2 id="event-heading" style={{ marginBottom: 10 }}>
            What happened
          </h2>
          <dl className="kv">
            <dt>When (UTC)</dt>
            <dd>
              <Timestamp iso={event.at} />
            </dd>
            <dt>Who</dt>
            <dd>
              {event.actorLabel} <span className="muted">({event.actorType}{event.actorId ? ` ${event.actorId}` : ""})</span>
            </dd>
            <dt>Where from</dt>
            <dd>{event.sourceIp ?? <span className="muted">{event.actorType === "agent" ? "the agent named above" : "the control plane"}</span>}</dd>
            <dt>What</dt>
            <dd className="mono">{event.action}</dd>
            {automationRule ? (
              <>
                <dt>Automation rule</dt>
                <dd>
                  <span className="mono">{automationRule.id}</span>
                  {automationRule.recordedAs ? (
                    <span className="muted"> (recorded as {automationRule.recordedAs}, its number before the rules were named)</span>
                  ) : null}
                </dd>
              </>
            ) : null}
            <dt>Target</dt>
            <dd className="mono">
              {event.targetType === "incident" && event.targetId ? (
                <Link href={`/incidents/${encodeURIComponent(event.targetId)}${event.action === "incident.review" ? "/review" : ""}`}>{target}</Link>
              ) : (
                target
              )}
              {event.serviceId ? <span className="muted"> · service {event.serviceId}</span> : null}
            </dd>
            <dt>Outcome</dt>
            <dd>
              <Badge tone={event.outcome === "success" ? "ok" : "bad"}>{event.outcome}</Badge>
            </dd>
            <dt>Reason</dt>
            <dd className="audit-reason">{event.reason ?? <span className="muted">—</span>}</dd>
            <dt>Policy version</dt>
            <dd>
              {policyVersion ? (
                <>
                  v{policyVersion.version} <span className="muted mono">({policyVersion.id})</span>
                  {policyVersion.emergency ? <Badge tone="warn">emergency</Badge> : null}
                </>
              ) : (
                <span className="muted">{event.policyVersionId ?? "—"}</span>
              )}
            </dd>
            <dt>Run and step</dt>
            <dd>
              {run ? (
                <>
                  <Link href={`/runs/${run.id}`}>
                    {run.runbookId} on {run.serviceId}
                  </Link>{" "}
                  <span className="muted">({run.status})</span>
                  {step ? <div>step {step.stepId}: {step.title} <span className="muted">({step.state}, {step.attempts} attempt{step.attempts === 1 ? "" : "s"})</span></div> : null}
                </>
              ) : (
                <span className="muted">{event.runId ?? "—"}</span>
              )}
            </dd>
            <dt>Hash</dt>
            <dd className="mono audit-hash">{event.hash}</dd>
            <dt>Previous hash</dt>
            <dd className="mono audit-hash">{event.prevHash}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="diff-heading">
          <h2 id="diff-heading" style={{ marginBottom: 10 }}>
            Before → after
          </h2>
          <DiffTable diff={diff} />
          {event.details !== null ? (
            <details style={{ marginTop: 12 }}>
              <summary>Details</summary>
              <pre className="mono audit-json">{JSON.stringify(event.details, null, 2)}</pre>
            </details>
          ) : null}
        </section>

        {related.run.length > 0 ? <RelatedEvents title="Events of this run" events={related.run} currentSeq={event.seq} /> : null}
        {related.changeRequest.length > 0 ? <RelatedEvents title="Events of this change request" events={related.changeRequest} currentSeq={event.seq} /> : null}
        {related.target.length > 0 ? (
          <RelatedEvents
            title={`Other events about ${target}`}
            events={related.target}
            currentSeq={event.seq}
            more={{ href: `/audit?targetType=${encodeURIComponent(event.targetType)}&targetId=${encodeURIComponent(event.targetId ?? "")}`, label: "All of them in the trail" }}
          />
        ) : null}
      </div>
    </>
  );
}
