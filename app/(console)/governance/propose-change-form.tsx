"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import type { ChangeRequestPreview } from "@/contracts/change-requests";
import type { PolicyDocument } from "@/contracts/policy";
import { ApiClientError } from "@/client/api-client";
import { governanceQueries, previewProposal, submitProposal, type Proposal } from "@/client/queries/governance";
import { ConsequenceList, PolicyChangeList } from "@/components/governance/policy-change-list";
import { PolicyForm } from "@/components/governance/policy-form";
import { diffPolicy } from "@/core/policy/diff-policy";
import { checkPolicyText, policyText, withValueAt, type DocumentProblem, type JsonPath } from "@/core/policy/policy-document-text";
import { policyMeaning } from "@/core/policy/policy-meaning";
import { isSafetyRelevant } from "@/core/policy/required-approvals";

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

const PolicyCodeEditor = dynamic(() => import("@/components/governance/policy-code-editor").then((module) => module.PolicyCodeEditor), {
  ssr: false,
  loading: () => <p className="muted">Loading the code view…</p>,
});

function ProblemList({ problems }: { problems: readonly DocumentProblem[] }) {
  return (
    <div id="proposal-document-problems" aria-live="polite">
      {problems.length === 0 ? (
        <p className="small muted">The document passes the policy schema the server checks it with.</p>
      ) : (
        <div className="field-error">
          <p className="small">
            {problems.length === 1 ? "1 problem" : `${problems.length} problems`} the server would refuse:
          </p>
          <ul className="small" aria-label="Problems in the document">
            {problems.map((problem, index) => (
              <li key={`${problem.field}-${index}`}>
                <span className="mono">{problem.field}</span>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ProposalEditor({ scope, baseDocument, baseVersion }: { scope: string; baseDocument: PolicyDocument; baseVersion: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => policyText(baseDocument));
  const [reason, setReason] = useState("");
  const [previewed, setPreviewed] = useState<{ text: string; preview: ChangeRequestPreview } | null>(null);
  const checked = useMemo(() => checkPolicyText(text), [text]);
  const meanings = useMemo(() => (checked.document ? policyMeaning(checked.document) : null), [checked]);
  const changes = useMemo(() => (checked.document ? diffPolicy(baseDocument, checked.document) : null), [checked, baseDocument]);
  const onEdit = useCallback(
    (path: JsonPath, value: unknown) => setText((current) => {
      const json = checkPolicyText(current).json;
      return json === undefined ? current : policyText(withValueAt(json, path, value));
    }),
    [],
  );

  const proposal = (): Proposal => ({ serviceId: serviceIdOf(scope), document: checked.json, reason: reason.trim() });
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
  const valid = checked.problems.length === 0;

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        preview.mutate();
      }}
    >
      <p className="hint muted">
        Starts as {baseVersion === 0 ? "the global policy it inherits" : `version ${baseVersion}`} of {scope}. The form and the code view edit the same document.
      </p>
      <div className="policy-editor">
        <section aria-labelledby="proposal-form-heading" className="stack">
          <h3 id="proposal-form-heading">Settings</h3>
          {checked.json === undefined ? (
            <p className="field-error" role="alert">
              The code view does not hold valid JSON; fix it there to edit with the form again.
            </p>
          ) : (
            <PolicyForm json={checked.json} problems={checked.problems} meanings={meanings} onEdit={onEdit} />
          )}
        </section>
        <section aria-labelledby="proposal-document-label" className="stack">
          <h3 id="proposal-document-label">Whole document (JSON)</h3>
          <p className="small muted" id="proposal-document-hint">
            Checked as you type against the schema the server uses; F8 moves to the next problem and Tab leaves the editor.
          </p>
          <PolicyCodeEditor value={text} onChange={setText} labelledBy="proposal-document-label" describedBy="proposal-document-hint proposal-document-problems" />
          <ProblemList problems={checked.problems} />
        </section>
      </div>
      <section aria-labelledby="proposal-changes-heading" className="stack">
        <h3 id="proposal-changes-heading">Changes against {baseVersion === 0 ? "the inherited global policy" : `version ${baseVersion}`}</h3>
        {changes ? (
          <PolicyChangeList diff={changes} safetyRelevantFields={changes.map((change) => change.field).filter(isSafetyRelevant)} label="Changes so far" />
        ) : (
          <p className="muted">Shown once the document passes the schema.</p>
        )}
      </section>
      <div className="field">
        <label htmlFor="proposal-reason">Reason</label>
        <input id="proposal-reason" type="text" value={reason} onChange={(event) => setReason(event.target.value)} required minLength={3} />
      </div>
      <div className="row">
        <button type="submit" className="button" disabled={preview.isPending || !valid}>
          {preview.isPending ? "Checking…" : "Preview change"}
        </button>
        <button type="button" className="button button-primary" disabled={!current || submit.isPending} onClick={() => submit.mutate()}>
          {submit.isPending ? "Submitting…" : "Submit for approval"}
        </button>
        {!valid ? <span className="muted">Fix the document's problems to preview it.</span> : !current ? <span className="muted">Preview the change before submitting it.</span> : null}
      </div>
      {preview.isError ? <ProblemMessage error={preview.error} /> : null}
      {submit.isError ? <ProblemMessage error={submit.error} /> : null}
      {current ? (
        <section aria-label="Preview" className="stack">
          <h3>What the server found against version {current.baseVersion}</h3>
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
  const failed = versions.isError || global.isError;
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
      {failed ? (
        <div className="alert alert-error" role="alert">
          Could not load the current version of {scope}.{" "}
          <button type="button" className="button button-small" onClick={() => void (versions.isError ? versions.refetch() : global.refetch())}>
            Try again
          </button>
        </div>
      ) : currentDocument && versions.data ? (
        <ProposalEditor key={`${scope}@${versions.data.currentVersion}`} scope={scope} baseVersion={versions.data.currentVersion} baseDocument={currentDocument} />
      ) : (
        <p className="muted" role="status">
          Loading the current version of {scope}…
        </p>
      )}
    </section>
  );
}
