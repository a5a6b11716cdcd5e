"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import type { FormEvent } from "react";
import { api, type OperationBody } from "@/client/api-client";
import { blamedField } from "@/client/page-mutation";
import { FieldError } from "@/components/ui/field-error";

const FIELDS = ["currentPassword", "newPassword"];

export function ChangePasswordForm() {
  const change = useMutation({ mutationFn: (body: OperationBody<"changeOwnPassword">) => api.call("changeOwnPassword", { body }) });
  const changed = change.data;
  const error = change.error ? { message: change.error.message, field: blamedField(change.error) } : null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") });
  }

  // The session this page runs in ended with the old password: nothing here works any more.
  if (changed) {
    return (
      <div className="alert alert-ok stack" role="status">
        <strong>Password changed.</strong>
        <span>
          Every session of yours has ended, this one included, and {changed.tokensRevoked} API token{changed.tokensRevoked === 1 ? " was" : "s were"} revoked.
        </span>
        <Link href="/signin" className="button button-primary">
          Sign in with the new password
        </Link>
      </div>
    );
  }

  const invalid = (field: string) => (error?.field === field ? true : undefined);
  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 560 }}>
      <div className="field">
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required aria-invalid={invalid("currentPassword")} aria-describedby="current-password-error" />
        <FieldError id="current-password-error" message={error?.field === "currentPassword" ? error.message : undefined} />
      </div>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input id="new-password" name="newPassword" type="password" autoComplete="new-password" required aria-invalid={invalid("newPassword")} aria-describedby="new-password-hint new-password-error" />
        <span id="new-password-hint" className="hint">
          At least 12 characters. Every session and API token of yours ends with the old one.
        </span>
        <FieldError id="new-password-error" message={error?.field === "newPassword" ? error.message : undefined} />
      </div>
      {error && !FIELDS.includes(error.field ?? "") ? (
        <div className="alert alert-error" role="alert">
          {error.message}
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
