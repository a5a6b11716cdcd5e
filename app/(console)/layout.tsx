import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { hasPermission, type Permission } from "@/core/access/permissions";
import { AppShell } from "@/components/shell/app-shell";
import { currentActor } from "@/server/auth/current-actor";

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: "/fleet", label: "Fleet", permission: "fleet:read" },
  { href: "/regions", label: "Regions", permission: "fleet:read" },
  { href: "/topology", label: "Topology", permission: "fleet:read" },
  { href: "/alerts", label: "Alerts", permission: "fleet:read" },
  { href: "/incidents", label: "Incidents", permission: "fleet:read" },
  { href: "/runbooks", label: "Runbooks", permission: "runbooks:read" },
  { href: "/plans", label: "Plans", permission: "runbooks:read" },
  { href: "/drills", label: "Drills", permission: "runbooks:read" },
  { href: "/governance", label: "Governance", permission: "policies:read" },
  { href: "/audit", label: "Audit", permission: "audit:read" },
  { href: "/settings", label: "Settings", permission: "tokens:own" },
];

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  const nav = NAV.filter((item) => hasPermission(actor.roles, item.permission)).map(({ href, label }) => ({ href, label }));
  return (
    <AppShell nav={nav} user={{ email: actor.email, roles: actor.roles }}>
      {children}
    </AppShell>
  );
}
