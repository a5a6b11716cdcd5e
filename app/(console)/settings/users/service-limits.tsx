"use client";

import { useState } from "react";
import { SCOPABLE_ROLES, type ScopableRole } from "@/core/access/service-scopes";
import type { UserView } from "@/contracts/users";
import { api } from "@/client/api-client";
import { usePageMutation } from "@/client/page-mutation";

/** One held operator or approver role: fleet-wide, or limited to the services ticked. */
function LimitRow({ user, role, serviceIds }: { user: UserView; role: ScopableRole; serviceIds: string[] }) {
  const current = user.serviceScopes[role] ?? null;
  const [limited, setLimited] = useState(current !== null);
  const [selected, setSelected] = useState<string[]>(current ?? []);
  const update = usePageMutation((serviceScopes: UserView["serviceScopes"]) => api.call("updateUser", { params: { id: user.id }, body: { serviceScopes } }));
  const pending = update.isPending;
  // Approver on more services, or fleet-wide, waits for a second admin.
  const waiting = update.data?.pendingGrants.some((grant) => grant.roles.includes(role));
  const message = update.error
    ? { tone: "error", text: update.error.message }
    : update.data
      ? { tone: "ok", text: waiting ? "Waiting for a second admin's approval (see Waiting for a second admin)." : "Saved." }
      : null;

  function save() {
    const serviceScopes = { ...user.serviceScopes };
    if (limited) serviceScopes[role] = selected;
    else delete serviceScopes[role];
    update.mutate(serviceScopes);
  }

  const label = `${role} role of ${user.email}`;
  return (
    <tr>
      <td>{user.email}</td>
      <td>{role}</td>
      <td>
        <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="visually-hidden">Where the {label} holds</legend>
          <div className="checkbox-row">
            <label>
              <input type="radio" name={`reach-${user.id}-${role}`} checked={!limited} onChange={() => setLimited(false)} />
              fleet-wide
            </label>
            <label>
              <input type="radio" name={`reach-${user.id}-${role}`} checked={limited} onChange={() => setLimited(true)} />
              only on
            </label>
            {serviceIds.map((serviceId) => (
              <label key={serviceId}>
                <input
                  type="checkbox"
                  disabled={!limited}
                  checked={selected.includes(serviceId)}
                  onChange={(event) => setSelected(event.target.checked ? [...selected, serviceId] : selected.filter((id) => id !== serviceId))}
                  aria-label={`${serviceId} for the ${label}`}
                />
                {serviceId}
              </label>
            ))}
          </div>
        </fieldset>
        {message ? (
          <div className={message.tone === "ok" ? "muted" : "field-error"} role={message.tone === "ok" ? "status" : "alert"}>
            {message.text}
          </div>
        ) : null}
      </td>
      <td>
        <button type="button" className="button button-small" disabled={pending} onClick={save} aria-label={`Save where the ${label} holds`}>
          Save
        </button>
      </td>
    </tr>
  );
}

/**
 * Where each operator and approver role holds: fleet-wide, or only on some
 * services (their runs, alerts, automation and approvals). Reading is never
 * limited.
 */
export function ServiceLimits({ users, serviceIds }: { users: UserView[]; serviceIds: string[] }) {
  const rows = users.flatMap((user) => SCOPABLE_ROLES.filter((role) => user.roles.includes(role)).map((role) => ({ user, role })));
  if (rows.length === 0) return <p className="muted">Nobody holds the operator or approver role.</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">Holds</th>
            <th scope="col">
              <span className="muted">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ user, role }) => (
            // Keyed by user and role only: a save re-renders the page, and the row keeps what it just said.
            <LimitRow key={`${user.id}:${role}`} user={user} role={role} serviceIds={serviceIds} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
