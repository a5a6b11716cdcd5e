"use client";

import { useMutation } from "@tanstack/react-query";
import { auditCheckpointRequest } from "@/client/queries/audit";

/** Saves the signed checkpoint as a file the reviewer keeps outside Switchyard. */
export function CheckpointButton() {
  const checkpoint = useMutation({
    mutationFn: auditCheckpointRequest,
    onSuccess: (document) => {
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: "application/json" }));
      const link = Object.assign(window.document.createElement("a"), { href: url, download: `switchyard-audit-checkpoint-${document.seq}.json` });
      link.click();
      URL.revokeObjectURL(url);
    },
  });
  return (
    <div className="row" aria-live="polite">
      {checkpoint.isError ? <span className="alert alert-error">Could not take a checkpoint: {checkpoint.error.message}</span> : null}
      {checkpoint.data ? <span className="alert alert-ok">Checkpoint at #{checkpoint.data.seq} downloaded</span> : null}
      <button type="button" className="button" onClick={() => checkpoint.mutate()} disabled={checkpoint.isPending}>
        {checkpoint.isPending ? "Taking checkpoint…" : "Download checkpoint"}
      </button>
    </div>
  );
}
