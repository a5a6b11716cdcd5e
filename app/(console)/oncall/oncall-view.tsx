"use client";

import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { EscalationRules } from "./escalation-rules";
import { PoliciesSection } from "./policies-section";
import { SchedulesSection } from "./schedules-section";

export function OnCallView({ canManage }: { canManage: boolean }) {
  return (
    <>
      <PageHeader
        title="On-call"
        description="Who is paged when a critical alert fires: rotations of people with their handoffs, and escalation policies that page level after level until someone acknowledges."
      />
      <p className="muted" style={{ marginBottom: 12 }}>
        People are paged at the webhook they set on <Link href="/settings/account">their account page</Link>; someone without one is recorded as not reachable.
      </p>
      <SchedulesSection canManage={canManage} />
      <PoliciesSection canManage={canManage} />
      <EscalationRules />
    </>
  );
}
