"use client";

import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import type { UserView } from "@/contracts/users";
import { api } from "@/client/api-client";

export function ResetPasswordForm({ user, onDone }: { user: UserView; onDone: () => void }) {
  // The users page shows nothing a reset changes: no page refresh.
  const reset = useMutation({ mutationFn: (newPassword: string) => api.call("resetPassword", { params: { id: user.id }, body: { newPassword } }) });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reset.mutate(String(new FormData(event.currentTarget).get("newPassword") ?? ""));
  }

  if (reset.data) {
    const revoked = reset.data.tokensRevoked;
    return (
      <div className="alert alert-ok" role="status">
        Done: every session of {user.email} has ended and {revoked} API token{revoked === 1 ? " was" : "s were"} revoked.{" "}
        <button type="button" className="link-button" onClick={onDone}>
          Close
        </button>
      </div>
    );
  }
  return (
    <form className="row" style={{ gap: 6 }} onSubmit={onSubmit} noValidate>
      <input name="newPassword" type="password" autoComplete="new-password" placeholder="New password (12+ characters)" aria-label={`New password for ${user.email}`} />
      <button type="submit" className="button button-small button-danger" disabled={reset.isPending}>
        Set password
      </button>
      <button type="button" className="button button-small" onClick={onDone}>
        Cancel
      </button>
      {reset.error ? (
        <span className="field-error" role="alert">
          {reset.error.message}
        </span>
      ) : null}
    </form>
  );
}
