"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import type { IncidentReviewView } from "@/contracts/incidents";
import { ApiClientError } from "@/client/api-client";
import { draftIncidentReview, incidentQueries, reviewExportHref, saveIncidentReview } from "@/client/queries/incidents";
import { MarkdownPreview } from "@/components/incidents/markdown-preview";
import { PageHeader } from "@/components/ui/page-header";
import { Timestamp } from "@/components/ui/timestamp";

const message = (error: Error | null, fallback: string) => (error instanceof ApiClientError ? error.message : fallback);

interface Props {
  incidentId: string;
  title: string;
  resolved: boolean;
  mayEdit: boolean;
}

export function ReviewEditor({ incidentId, title, resolved, mayEdit }: Props) {
  const id = useId();
  const queryClient = useQueryClient();
  const review = useQuery({ ...incidentQueries.review(incidentId), enabled: resolved });
  const [text, setText] = useState("");
  const [tab, setTab] = useState<"edit" | "preview">("edit");
  const current = review.data;
  // A new version from the server (a draft, a save) replaces what the editor holds.
  useEffect(() => setText(current?.markdown ?? ""), [current?.version, current?.markdown]);
  const stored = (saved: IncidentReviewView) => queryClient.setQueryData(incidentQueries.review(incidentId).queryKey, saved);
  const draft = useMutation({ mutationFn: () => draftIncidentReview(incidentId), onSuccess: stored });
  const save = useMutation({ mutationFn: () => saveIncidentReview(incidentId, text, current?.version ?? 0), onSuccess: stored });
  const missing = review.error instanceof ApiClientError && review.error.status === 404;
  const edited = current !== undefined && text !== current.markdown;

  return (
    <>
      <PageHeader
        title={`Post-incident review: ${title}`}
        description={current ? <>Version {current.version} by {current.author}, <Timestamp iso={current.createdAt} />; every version is kept and audited with the incident.</> : "Written from the record once the incident is resolved, then edited by the people who were there."}
        actions={
          <>
            <Link href={`/incidents/${incidentId}`}>The incident</Link>
            {current ? (
              <>
                <a href={reviewExportHref(incidentId, "md", current.version)} download>
                  Markdown
                </a>
                <a href={reviewExportHref(incidentId, "pdf", current.version)} download>
                  PDF
                </a>
              </>
            ) : null}
          </>
        }
      />
      {!resolved ? (
        <div className="alert alert-info" role="status">
          The incident is not resolved yet: its review is written from the record once it is.
        </div>
      ) : null}
      {resolved && review.isPending ? <p className="muted">Loading…</p> : null}
      {review.isError && !missing ? (
        <div className="alert alert-error" role="alert">
          Could not load the review: {review.error.message}
        </div>
      ) : null}
      {resolved && (missing || current) && mayEdit ? (
        <div className="row" style={{ marginBottom: 12 }}>
          <button type="button" className={current ? "button" : "button button-primary"} disabled={draft.isPending || edited} onClick={() => draft.mutate()} title={edited ? "Save or discard your edit first" : undefined}>
            {draft.isPending ? "Writing…" : current ? "Write a fresh draft from the record (new version)" : "Write the draft from the record"}
          </button>
          {draft.isError ? (
            <span className="field-error" role="alert">
              {message(draft.error, "No draft was written.")}
            </span>
          ) : null}
        </div>
      ) : null}
      {missing && !mayEdit ? <p className="muted">No review has been written yet.</p> : null}
      {current ? (
        <section className="card" aria-label="Review">
          <div className="row" role="tablist" aria-label="Edit or preview" style={{ marginBottom: 8 }}>
            {(["edit", "preview"] as const).map((value) => (
              <button key={value} type="button" role="tab" aria-selected={tab === value} className={tab === value ? "button button-primary button-small" : "button button-small"} onClick={() => setTab(value)}>
                {value === "edit" ? (mayEdit ? "Edit" : "Markdown") : "Preview"}
              </button>
            ))}
          </div>
          {tab === "preview" ? (
            <MarkdownPreview markdown={text} />
          ) : (
            <form
              className="form"
              onSubmit={(event) => {
                event.preventDefault();
                save.mutate();
              }}
            >
              <label htmlFor={`${id}-markdown`} className="visually-hidden">
                Review in Markdown
              </label>
              <textarea id={`${id}-markdown`} className="mono" rows={30} value={text} readOnly={!mayEdit} onChange={(event) => setText(event.target.value)} style={{ width: "100%" }} />
              {mayEdit ? (
                <div className="row">
                  <button type="submit" className="button button-primary" disabled={save.isPending || !edited}>
                    {save.isPending ? "Saving…" : `Save as version ${current.version + 1}`}
                  </button>
                  {edited ? (
                    <button type="button" className="button" onClick={() => setText(current.markdown)}>
                      Discard edit
                    </button>
                  ) : null}
                  {save.isError ? (
                    <span className="field-error" role="alert">
                      {message(save.error, "The review was not saved.")}
                    </span>
                  ) : null}
                </div>
              ) : null}
            </form>
          )}
          <p className="muted small">
            Versions:{" "}
            {current.versions.map((version) => (
              <span key={version.version}>
                v{version.version} ({version.author}, <Timestamp iso={version.createdAt} />){" "}
              </span>
            ))}
          </p>
        </section>
      ) : null}
    </>
  );
}
