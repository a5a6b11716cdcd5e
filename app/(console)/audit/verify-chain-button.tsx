"use client";

import { useMutation } from "@tanstack/react-query";
import { auditVerificationSchema } from "@/contracts/audit";
import { apiRequest } from "@/client/api-client";

export function VerifyChainButton() {
  const verify = useMutation({
    mutationFn: () => apiRequest("GET", "/api/v1/audit/verify", auditVerificationSchema),
  });
  const result = verify.data;
  return (
    <div className="row" aria-live="polite">
      {verify.isError ? <span className="alert alert-error">Verification failed to run: {verify.error.message}</span> : null}
      {result?.intact === true ? <span className="alert alert-ok">Chain intact through #{result.throughSeq}</span> : null}
      {result?.intact === false ? (
        <span className="alert alert-error">
          Chain broken at #{result.brokenAtSeq} ({result.problem.replace("_", " ")}); intact through #{result.intactThroughSeq}
        </span>
      ) : null}
      <button type="button" className="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? "Verifying…" : "Verify chain"}
      </button>
    </div>
  );
}
