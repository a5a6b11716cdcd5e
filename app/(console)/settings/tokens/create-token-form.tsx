"use client";

import { useState, useTransition, type FormEvent } from "react";
import { FieldError } from "@/components/ui/field-error";
import { createTokenAction } from "./actions/create-token";

export function CreateTokenForm() {
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = String(form.get("expiresInDays") ?? "").trim();
    startTransition(async () => {
      const result = await createTokenAction({ name: String(form.get("name") ?? ""), ...(days ? { expiresInDays: Number(days) } : {}) });
      if (result.ok) {
        setError(null);
        setSecret(result.data.token);
        formElement.reset();
      } else {
        setSecret(null);
        setError(result.error);
      }
    });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 560 }}>
      <div className="field">
        <label htmlFor="token-name">Name</label>
        <input id="token-name" name="name" type="text" placeholder="e.g. chat-ops bot" required aria-invalid={error?.field === "name" ? true : undefined} aria-describedby="token-name-error" />
        <FieldError id="token-name-error" message={error?.field === "name" ? error.message : undefined} />
      </div>
      <div className="field">
        <label htmlFor="token-expiry">Expires after (days, optional)</label>
        <input id="token-expiry" name="expiresInDays" type="number" min={1} max={365} aria-invalid={error?.field === "expiresInDays" ? true : undefined} aria-describedby="token-expiry-error" />
        <FieldError id="token-expiry-error" message={error?.field === "expiresInDays" ? error.message : undefined} />
      </div>
      {error && !["name", "expiresInDays"].includes(error.field ?? "") ? (
        <div className="alert alert-error" role="alert">
          {error.message}
        </div>
      ) : null}
      {secret ? (
        <div className="alert alert-info stack" role="status">
          <strong>Copy this token now: it is not shown again.</strong>
          <div className="secret" data-testid="new-token">
            {secret}
          </div>
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </div>
    </form>
  );
}
