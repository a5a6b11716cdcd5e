"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiClientError } from "@/client/api-client";
import { acknowledgeFailoverRequest, refreshAutomation } from "@/client/queries/automation";

/** Lifts the cooldown after the service's last failover once a person has checked it (audited with the note). */
export function AcknowledgeFailoverForm({ serviceId }: { serviceId: string }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [note, setNote] = useState("");
  const acknowledge = useMutation({
    mutationFn: () => acknowledgeFailoverRequest(serviceId, note.trim()),
    onSuccess: async () => {
      setNote("");
      await refreshAutomation(queryClient);
    },
  });
  return (
    <form
      className="row"
      style={{ alignItems: "flex-end" }}
      aria-label={`Acknowledge the last failover of ${serviceId}`}
      onSubmit={(event) => {
        event.preventDefault();
        acknowledge.mutate();
      }}
    >
      <div className="field" style={{ flex: 1, minWidth: 240 }}>
        <label htmlFor={`${id}-note`}>What was checked after the failover</label>
        <input id={`${id}-note`} type="text" required value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      <button type="submit" className="button" disabled={acknowledge.isPending}>
        {acknowledge.isPending ? "Acknowledging…" : "Acknowledge last failover"}
      </button>
      {acknowledge.isError ? (
        <span className="field-error" role="alert">
          {acknowledge.error instanceof ApiClientError ? acknowledge.error.message : "The acknowledgement was not recorded."}
        </span>
      ) : null}
    </form>
  );
}
