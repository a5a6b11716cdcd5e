import type { ReactNode } from "react";
import { NavLinks, type NavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

export function AppShell({ nav, user, children }: { nav: NavItem[]; user: { email: string; roles: string[] }; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Switchyard
        </div>
        <NavLinks items={nav} />
        <div className="sidebar-footer">
          <span title="Signed in as">{user.email}</span>
          <span className="muted">{user.roles.join(", ")}</span>
          <SignOutButton />
        </div>
      </aside>
      <main id="main" className="main">
        {children}
      </main>
    </div>
  );
}
