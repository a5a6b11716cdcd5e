"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ChangeRequestPreview } from "@/contracts/change-requests";
import { ApiClientError } from "@/client/api-client";
import { governanceQueries, parseDocumentText, previewProposal, submitProposal, type Proposal } from "@/client/queries/governance";
import { ConsequenceList, PolicyChangeList } from "@/components/governance/policy-change-list";

const serviceIdOf = (scope: string) => (scope === "global" ? null : scope.replace(/^service:/, ""));

function ProblemMessage({ error }: { error: Error }) {
  return (
    <div className="alert alert-error" role="alert">
      {error instanceof ApiClientError ? error.message : error.message || "The request failed."}
      {error instanceof ApiClientError && error.field ? (
        <div className="small">
          Field: <span className="mono">{error.field}</span>
        </div>
      ) : null}
    </div>
  );
}

function ProposalEditor({ scope, initialText, baseVersion }: { scope: string; initialText: string; baseVersion: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initialText);
  const [reason, setReason] = useState("");
  const [previewed, setPreviewed] = useState<{ text: string; preview: ChangeRequestPreview } | null>(null);

  const proposal = (): Proposal => {
    const parsed = parseDocumentText(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return { serviceId: serviceIdOf(scope), document: parsed.value, reason: reason.trim() };
  };
  const preview = useMutation({
    mutationFn: () => previewProposal(proposal()),
    onSuccess: (result) => setPreviewed({ text, preview: result }),
    onError: () => setPreviewed(null),
  });
  const submit = useMutation({
    mutationFn: () => submitProposal(proposal()),
    onSuccess: async (request) => {
      await queryClient.invalidateQueries({ queryKey: governanceQueries.all() });
      router.push(`/governance/change-requests/${request.id}`);
    },
  });
  const current = previewed && previewed.text === text ? previewed.preview : null;

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        preview.mutate();
      }}
    >
      <div className="field">
        <label htmlFor="proposal-document">Proposed document (JSON)</label>
        <textarea
          id="proposal-document"
          rows={18}
          className="mono"
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-describedby="proposal-document-hint"
        />
        <span className="hint" id="proposal-document-hint">
          Starts as version {baseVersion === 0 ? "of the global policy it inherits" : baseVersion} of {scope}. Edit the fields to change.
        </span>
      </div>
      <div className="field">
        <label htmlFor="proposal-reason">Reason</label>
        <input id="proposal-reason" type="text" value={reason} onChange={(event) => setReason(event.target.value)} required minLength={3} />
      </div>
      <div className="row">
        <button type="submit" className="button" disabled={preview.isPending}>
          {preview.isPending ? "Checking…" : "Preview change"}
        </button>
        <button type="button" className="button button-primary" disabled={!current || submit.isPending} onClick={() => submit.mutate()}>
          {submit.isPending ? "Submitting…" : "Submit for approval"}
        </button>
        {!current ? <span className="muted">Preview the change before submitting it.</span> : null}
      </div>
      {preview.isError ? <ProblemMessage error={preview.error} /> : null}
      {submit.isError ? <ProblemMessage error={submit.error} /> : null}
      {current ? (
        <section aria-label="Preview" className="stack">
          <h3>Changes against version {current.baseVersion}</h3>
          <PolicyChangeList diff={current.diff} safetyRelevantFields={current.safetyRelevantFields} label="Proposed changes" />
          <h3>Consequences</h3>
          <ConsequenceList consequences={current.consequences} label="Consequences" />
          <p>
            <strong>Approvals:</strong> {current.approvalsSentence}, from approvers other than you.
          </p>
        </section>
      ) : null}
    </form>
  );
}

/** Edit a policy's current document and send it for review, after seeing what it would change. */
export function ProposeChangeForm({ scopes }: { scopes: string[] }) {
  const [scope, setScope] = useState(scopes.find((candidate) => candidate.startsWith("service:")) ?? scopes[0] ?? "global");
  const versions = useQuery(governanceQueries.versions(scope));
  const global = useQuery({ ...governanceQueries.versions("global"), enabled: versions.data?.currentVersion === 0 });
  const currentDocument =
    versions.data && versions.data.currentVersion > 0
      ? versions.data.versions.find((version) => version.current)?.document
      : global.data?.versions.find((version) => version.current)?.document;
  return (
    <section className="card" aria-labelledby="propose-heading">
      <h2 id="propose-heading" style={{ marginBottom: 10 }}>
        Propose a change
      </h2>
      <div className="field" style={{ maxWidth: 360 }}>
        <label htmlFor="proposal-scope">Policy</label>
        <select id="proposal-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
          {scopes.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </select>
      </div>
      {versions.isError ? <p className="field-error">Could not load the current version of {scope}.</p> : null}
      {currentDocument && versions.data ? (
        <ProposalEditor key={`${scope}@${versions.data.currentVersion}`} scope={scope} baseVersion={versions.data.currentVersion} initialText={JSON.stringify(currentDocument, null, 2)} />
      ) : versions.isError ? null : (
        <p className="muted">Loading the current version…</p>
      )}
    </section>
  );
}
