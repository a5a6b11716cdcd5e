import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasPermission } from "@/core/access/permissions";
import { requirePagePermission } from "@/server/auth/current-actor";
import { changeRequestView } from "@/server/change-requests/change-request-view";
import { NotFoundError } from "@/server/errors";
import { ChangeRequestDetail } from "./change-request-detail";

export const metadata: Metadata = { title: "Change request" };

export default async function ChangeRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePagePermission("policies:read");
  const { id } = await params;
  const initial = await changeRequestView(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <ChangeRequestDetail
      initial={initial}
      may={{
        propose: hasPermission(actor.roles, "policies:propose"),
        approve: hasPermission(actor.roles, "policies:approve"),
        emergency: hasPermission(actor.roles, "policies:emergency"),
        userId: actor.userId,
        email: actor.email,
      }}
    />
  );
}
