"use client";

import { useState } from "react";
import type { Role } from "@/core/access/permissions";
import { isScopableRole } from "@/core/access/service-scopes";
import type { UserView } from "@/contracts/users";
import { api, type OperationBody } from "@/client/api-client";
import { usePageMutation } from "@/client/page-mutation";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import { ResetPasswordForm } from "./reset-password-form";
import { RoleCheckboxes } from "./role-checkboxes";

/** A role, with the services it is limited to when it is. */
function roleLabel(user: UserView, role: Role): string {
  const limit = isScopableRole(role) ? user.serviceScopes[role] : undefined;
  return limit ? `${role} on ${limit.join(", ")}` : role;
}

function UserRow({ user, isSelf }: { user: UserView; isSelf: boolean }) {
  const [editing, setEditing] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const update = usePageMutation((changes: OperationBody<"updateUser">) => api.call("updateUser", { params: { id: user.id }, body: changes }));
  const pending = update.isPending;
  const save = (changes: { roles?: Role[]; disabled?: boolean }) => update.mutate(changes, { onSuccess: () => setEditing(false) });

  return (
    <tr>
      <td>
        {user.email}
        {isSelf ? <span className="muted"> (you)</span> : null}
        {user.name ? <div className="muted">{user.name}</div> : null}
      </td>
      <td>
        {editing ? (
          <RoleCheckboxes name={`roles-${user.id}`} legend={`Roles of ${user.email}`} selected={roles} onChange={setRoles} />
        ) : (
          <div className="row">
            {user.roles.map((role) => (
              <Badge key={role} tone="info">
                {roleLabel(user, role)}
              </Badge>
            ))}
            {user.pendingGrants.flatMap((grant) =>
              grant.roles.map((role) => (
                <Badge key={`${grant.id}:${role}`} tone="warn">
                  {role}: awaiting a second admin
                </Badge>
              )),
            )}
          </div>
        )}
        {update.error ? (
          <div className="field-error" role="alert">
            {update.error.message}
          </div>
        ) : null}
      </td>
      <td>{user.disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}</td>
      <td>
        <Timestamp iso={user.lastSignInAt} />
      </td>
      <td>
        <div className="row">
          {editing ? (
            <>
              <button type="button" className="button button-primary button-small" disabled={pending} onClick={() => save({ roles })}>
                Save roles
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setRoles(user.roles);
                  setEditing(false);
                  update.reset();
                }}
              >
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="button button-small" onClick={() => setEditing(true)} aria-label={`Edit roles of ${user.email}`}>
              Edit roles
            </button>
          )}
          {isSelf ? null : (
            <button type="button" className="button button-small" onClick={() => setResetting(true)} aria-label={`Reset the password of ${user.email}`}>
              Reset password
            </button>
          )}
          <button
            type="button"
            className={user.disabled ? "button button-small" : "button button-small button-danger"}
            disabled={pending}
            onClick={() => save({ disabled: !user.disabled })}
            aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
          >
            {user.disabled ? "Enable" : "Disable"}
          </button>
        </div>
        {resetting ? <ResetPasswordForm user={user} onDone={() => setResetting(false)} /> : null}
      </td>
    </tr>
  );
}

export function UsersTable({ users, currentUserId }: { users: UserView[]; currentUserId: string }) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Roles</th>
            <th scope="col">State</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">
              <span className="muted">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow key={`${user.id}:${user.roles.join(",")}:${user.disabled}:${user.pendingGrants.length}`} user={user} isSelf={user.id === currentUserId} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
