"use client";

import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { verifyAuditRequest } from "@/client/queries/audit";
import type { AuditVerification } from "@/contracts/audit";

const PROBLEMS: Record<Extract<AuditVerification, { intact: false }>["problem"], string> = {
  sequence_gap: "an event is missing",
  link_mismatch: "an event does not link to the one before it",
  hash_mismatch: "an event was changed",
  checkpoint_mismatch: "it no longer has the checkpoint's hash: history up to it was rewritten",
};

/** A checkpoint file as downloaded from this page, read just enough to verify against it. */
async function readCheckpoint(file: File): Promise<{ seq: number; hash: string }> {
  const parsed: unknown = JSON.parse(await file.text());
  const { seq, hash } = (parsed ?? {}) as { seq?: unknown; hash?: unknown };
  if (typeof seq !== "number" || typeof hash !== "string") throw new Error(`${file.name} is not a Switchyard audit checkpoint (no seq and hash)`);
  return { seq, hash };
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
        </span>
      ) : null}
      {result?.intact === false ? (
        <span className="alert alert-error">
          Chain broken at #{result.brokenAtSeq}: {PROBLEMS[result.problem]}
          {result.problem === "checkpoint_mismatch" ? "" : `; intact through #${result.intactThroughSeq}`}
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
