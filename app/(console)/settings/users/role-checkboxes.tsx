"use client";

import { ROLES, type Role } from "@/core/access/permissions";

const ROLE_HINTS: Record<Role, string> = {
  viewer: "sees dashboards",
  operator: "runs runbooks, pauses automation",
  approver: "approves others' changes",
  admin: "manages users and proposes policy",
  auditor: "reads and exports the audit trail",
};

export function RoleCheckboxes({ name, selected, onChange, legend }: { name: string; selected: Role[]; onChange: (roles: Role[]) => void; legend: string }) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {ROLES.map((role) => (
          <label key={role} title={ROLE_HINTS[role]}>
            <input
              type="checkbox"
              name={name}
              value={role}
              checked={selected.includes(role)}
              onChange={(event) => onChange(event.target.checked ? [...selected, role] : selected.filter((r) => r !== role))}
            />
            {role}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
