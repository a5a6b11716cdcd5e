"use client";

import { useState, useTransition, type FormEvent } from "react";
import type { Role } from "@/core/access/permissions";
import { FieldError } from "@/components/ui/field-error";
import { createUserAction } from "./actions/create-user";
import { RoleCheckboxes } from "./role-checkboxes";

export function CreateUserForm() {
  const [roles, setRoles] = useState<Role[]>(["viewer"]);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get("name") ?? "").trim();
    startTransition(async () => {
      const result = await createUserAction({
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        ...(name ? { name } : {}),
        roles,
      });
      if (result.ok) {
        setError(null);
        setCreated(result.data.email);
        formElement.reset();
        setRoles(["viewer"]);
      } else {
        setCreated(null);
        setError(result.error);
      }
    });
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
      {error && !["email", "password"].includes(error.field ?? "") ? (
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
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}
