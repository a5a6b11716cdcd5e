"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { AutomationPauseView } from "@/contracts/automation";
import { ApiClientError } from "@/client/api-client";
import { endPauseRequest, refreshAutomation } from "@/client/queries/automation";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

function ResumeButton({ pause, subject }: { pause: AutomationPauseView; subject: string }) {
  const queryClient = useQueryClient();
  const resume = useMutation({ mutationFn: () => endPauseRequest(pause.id), onSuccess: () => refreshAutomation(queryClient) });
  return (
    <>
      <button type="button" className="button button-small" disabled={resume.isPending} onClick={() => resume.mutate()} aria-label={`Resume automation of ${subject}`}>
        {resume.isPending ? "Resuming…" : "Resume"}
      </button>
      {resume.isError ? (
        <span className="field-error" role="alert">
          {resume.error instanceof ApiClientError ? resume.error.message : "The pause was not ended."}
        </span>
      ) : null}
    </>
  );
}

/**
 * A pause in force: who, why, until when; with a Resume button when `mayResume`,
 * or `instead` (e.g. where to resume it) otherwise.
 */
export function PauseNotice({ pause, subject, mayResume, instead }: { pause: AutomationPauseView; subject: string; mayResume: boolean; instead?: ReactNode }) {
  return (
    <div className="row" data-testid={`pause-${pause.serviceId ?? "global"}`}>
      <Badge tone="warn">
        <span aria-hidden="true">‖</span> paused
      </Badge>
      <span>
        for {subject} by {pause.createdBy} until <Timestamp iso={pause.expiresAt} />: “{pause.reason}”
      </span>
      {mayResume ? <ResumeButton pause={pause} subject={subject} /> : instead}
    </div>
  );
}
