"use client";

import { useState, type FormEvent } from "react";
import type { Role } from "@/core/access/permissions";
import { api, type OperationBody } from "@/client/api-client";
import { blamedField, usePageMutation } from "@/client/page-mutation";
import { FieldError } from "@/components/ui/field-error";
import { RoleCheckboxes } from "./role-checkboxes";

export function CreateUserForm() {
  const [roles, setRoles] = useState<Role[]>(["viewer"]);
  const create = usePageMutation((body: OperationBody<"createUser">) => api.call("createUser", { body }));
  const error = create.error ? { message: create.error.message, field: blamedField(create.error) } : null;
  const waiting = create.data?.pendingGrants.flatMap((grant) => grant.roles) ?? [];
  const created = create.data ? (waiting.length ? `${create.data.email}; ${waiting.join(" and ")} wait${waiting.length === 1 ? "s" : ""} for a second admin's approval` : create.data.email) : null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get("name") ?? "").trim();
    const reason = String(form.get("reason") ?? "").trim();
    create.mutate(
      { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), ...(name ? { name } : {}), roles, ...(reason ? { reason } : {}) },
      {
        onSuccess: () => {
          formElement.reset();
          setRoles(["viewer"]);
        },
      },
    );
  }

  const invalid = (field: string) => (error?.field === field ? true : undefined);
  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 560 }}>
      <div className="field">
        <label htmlFor="new-email">Email</label>
        <input id="new-email" name="email" type="email" required aria-invalid={invalid("email")} aria-describedby="new-email-error" />
        <FieldError id="new-email-error" message={error?.field === "email" ? error.message : undefined} />
      </div>
      <div className="field">
        <label htmlFor="new-name">Name (optional)</label>
        <input id="new-name" name="name" type="text" />
      </div>
      <div className="field">
        <label htmlFor="new-password">Initial password</label>
        <input id="new-password" name="password" type="password" autoComplete="new-password" required aria-invalid={invalid("password")} aria-describedby="new-password-hint new-password-error" />
        <span id="new-password-hint" className="hint">
          At least 12 characters. Share it with the person over a channel you trust.
        </span>
        <FieldError id="new-password-error" message={error?.field === "password" ? error.message : undefined} />
      </div>
      <RoleCheckboxes name="roles" legend="Roles" selected={roles} onChange={setRoles} />
      <p className="hint">Approver and admin take a second admin&apos;s approval (below, under Waiting for a second admin) before the account holds them.</p>
      {roles.includes("approver") || roles.includes("admin") ? (
        <div className="field">
          <label htmlFor="new-reason">Why they need approver or admin</label>
          <input id="new-reason" name="reason" type="text" aria-invalid={invalid("reason")} aria-describedby="new-reason-error" />
          <FieldError id="new-reason-error" message={error?.field === "reason" ? error.message : undefined} />
        </div>
      ) : null}
      {error && !["email", "password", "reason"].includes(error.field ?? "") ? (
        <div className="alert alert-error" role="alert">
          {error.message}
        </div>
      ) : null}
      {created ? (
        <div className="alert alert-ok" role="status">
          Created {created}.
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}
