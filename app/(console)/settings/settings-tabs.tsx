import Link from "next/link";

type Tab = "users" | "tokens" | "agents" | "status-page" | "account";

export function SettingsTabs({ current, showUsers, showAgents }: { current: Tab; showUsers: boolean; showAgents: boolean }) {
  const tabs = [
    ...(showUsers ? [{ id: "users", href: "/settings/users", label: "Users" }] : []),
    { id: "tokens", href: "/settings/tokens", label: "API tokens" },
    ...(showAgents ? [{ id: "agents", href: "/settings/agents", label: "Agents" }] : []),
    { id: "status-page", href: "/settings/status-page", label: "Status page" },
    { id: "account", href: "/settings/account", label: "Your account" },
  ];
  return (
    <nav className="row" aria-label="Settings" style={{ marginBottom: 16 }}>
      {tabs.map((tab) => (
        <Link key={tab.id} href={tab.href} className={tab.id === current ? "button button-primary button-small" : "button button-small"} aria-current={tab.id === current ? "page" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
