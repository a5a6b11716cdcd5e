"use client";

import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { verifyAuditRequest } from "@/client/queries/audit";
import type { AuditVerification } from "@/contracts/audit";

const PROBLEMS: Record<Extract<AuditVerification, { intact: false }>["problem"], string> = {
  sequence_gap: "an event is missing",
  link_mismatch: "an event does not link to the one before it",
  hash_mismatch: "an event was changed",
  rehashed_without_key: "an event was changed and re-hashed without the chain's key",
  not_keyed: "the event the chain is keyed from is missing or was replaced",
  truncated: "the trail ends before the event it is keyed from",
  checkpoint_mismatch: "the trail no longer matches a kept or published checkpoint",
};

/** A checkpoint file as downloaded from this page (or published off the box), read just enough to verify against it. */
async function readCheckpoint(file: File): Promise<{ seq: number; hash: string; at?: string }> {
  const parsed: unknown = JSON.parse(await file.text());
  const { seq, hash, at } = (parsed ?? {}) as { seq?: unknown; hash?: unknown; at?: unknown };
  if (typeof seq !== "number" || typeof hash !== "string") throw new Error(`${file.name} is not a Switchyard audit checkpoint (no seq and hash)`);
  return { seq, hash, ...(typeof at === "string" ? { at } : {}) };
}

export function VerifyChainButton() {
  const fileInput = useRef<HTMLInputElement>(null);
  const verify = useMutation({
    mutationFn: async (file?: File) => verifyAuditRequest(file ? await readCheckpoint(file) : undefined),
  });
  const result = verify.data;
  return (
    <div className="row" aria-live="polite">
      {verify.isError ? <span className="alert alert-error">Verification failed to run: {verify.error.message}</span> : null}
      {result?.intact === true ? (
        <span className="alert alert-ok">
          Chain intact through #{result.throughSeq}
          {result.checkpoint ? `; checkpoint #${result.checkpoint.seq} matches` : ""}
          {result.published.compared.length ? `; matches the checkpoint published off the box at #${Math.max(...result.published.compared.map((check) => check.seq))}` : ""}
        </span>
      ) : null}
      {result?.intact === false ? (
        <span className="alert alert-error">
          Chain broken at #{result.brokenAtSeq}: {PROBLEMS[result.problem]}; intact through #{result.intactThroughSeq}
          {[result.checkpoint, ...result.published.compared].flatMap((check) => (check && !check.matches && check.reason ? [` (${check.source}: ${check.reason})`] : [])).join("")}
        </span>
      ) : null}
      {result && (result.published.rejected.length || result.published.unreadable.length) ? (
        <span className="alert alert-error">
          {[...result.published.unreadable.map((problem) => `${problem.source} could not be read: ${problem.reason}`), ...result.published.rejected.map((problem) => `${problem.source}: ${problem.reason} (ignored)`)].join("; ")}
        </span>
      ) : null}
      <button type="button" className="button" onClick={() => verify.mutate(undefined)} disabled={verify.isPending}>
        {verify.isPending ? "Verifying…" : "Verify chain"}
      </button>
      <button type="button" className="button" onClick={() => fileInput.current?.click()} disabled={verify.isPending}>
        Verify against a checkpoint…
      </button>
      <input
        ref={fileInput}
        hidden
        aria-label="Checkpoint file"
        type="file"
        accept="application/json,.json"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) verify.mutate(file);
          event.target.value = "";
        }}
      />
    </div>
  );
}
