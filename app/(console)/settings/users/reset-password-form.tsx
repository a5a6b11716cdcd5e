"use client";

import { useState, useTransition, type FormEvent } from "react";
import type { UserView } from "@/contracts/users";
import { resetPasswordAction } from "./actions/reset-password";

export function ResetPasswordForm({ user, onDone }: { user: UserView; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await resetPasswordAction({ id: user.id, body: { newPassword: String(form.get("newPassword") ?? "") } });
      if (result.ok) {
        setError(null);
        setDone(`Done: every session of ${user.email} has ended and ${result.data.tokensRevoked} API token${result.data.tokensRevoked === 1 ? " was" : "s were"} revoked.`);
      } else {
        setError(result.error.message);
      }
    });
  }

  if (done) {
    return (
      <div className="alert alert-ok" role="status">
        {done}{" "}
        <button type="button" className="link-button" onClick={onDone}>
          Close
        </button>
      </div>
    );
  }
  return (
    <form className="row" style={{ gap: 6 }} onSubmit={onSubmit} noValidate>
      <input name="newPassword" type="password" autoComplete="new-password" placeholder="New password (12+ characters)" aria-label={`New password for ${user.email}`} />
      <button type="submit" className="button button-small button-danger" disabled={pending}>
        Set password
      </button>
      <button type="button" className="button button-small" onClick={onDone}>
        Cancel
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
