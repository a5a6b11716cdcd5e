"use client";

import { useState, type FormEvent } from "react";
import { TOKEN_SCOPE_SENTENCES, type TokenScope } from "@/core/access/token-scopes";
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "@/contracts/tokens";
import { api, type OperationBody } from "@/client/api-client";
import { blamedField, usePageMutation } from "@/client/page-mutation";
import { FieldError } from "@/components/ui/field-error";

/** `available`: the scopes the signed-in person's roles grant something in. */
export function CreateTokenForm({ available }: { available: TokenScope[] }) {
  const [scopes, setScopes] = useState<TokenScope[]>(["read"]);
  const create = usePageMutation((body: OperationBody<"createOwnToken">) => api.call("createOwnToken", { body }));
  const error = create.error ? { message: create.error.message, field: blamedField(create.error) } : null;
  const secret = create.data?.token ?? null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = String(form.get("expiresInDays") ?? "").trim();
    create.mutate(
      { name: String(form.get("name") ?? ""), scopes, ...(days ? { expiresInDays: Number(days) } : {}) },
      {
        onSuccess: () => {
          formElement.reset();
          setScopes(["read"]);
        },
      },
    );
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 560 }}>
      <div className="field">
        <label htmlFor="token-name">Name</label>
        <input id="token-name" name="name" type="text" placeholder="e.g. chat-ops bot" required aria-invalid={error?.field === "name" ? true : undefined} aria-describedby="token-name-error" />
        <FieldError id="token-name-error" message={error?.field === "name" ? error.message : undefined} />
      </div>
      <fieldset className="field" aria-describedby="token-scopes-hint token-scopes-error">
        <legend>Scopes</legend>
        <div className="stack" style={{ gap: 6 }}>
          {available.map((scope) => (
            <label key={scope} style={{ fontWeight: 400 }}>
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                checked={scopes.includes(scope)}
                onChange={(event) => setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
              />{" "}
              <strong>{scope}</strong> <span className="muted">{TOKEN_SCOPE_SENTENCES[scope]}</span>
            </label>
          ))}
        </div>
        <span id="token-scopes-hint" className="hint">
          The token acts with your roles of the moment, only as far as its scopes allow. It can never create tokens.
        </span>
        <FieldError id="token-scopes-error" message={error?.field === "scopes" ? error.message : undefined} />
      </fieldset>
      <div className="field">
        <label htmlFor="token-expiry">Expires after (days)</label>
        <input
          id="token-expiry"
          name="expiresInDays"
          type="number"
          min={1}
          max={TOKEN_MAX_DAYS}
          placeholder={String(TOKEN_DEFAULT_DAYS)}
          aria-invalid={error?.field === "expiresInDays" ? true : undefined}
          aria-describedby="token-expiry-hint token-expiry-error"
        />
        <span id="token-expiry-hint" className="hint">
          {TOKEN_DEFAULT_DAYS} days unless you say otherwise; at most {TOKEN_MAX_DAYS}.
        </span>
        <FieldError id="token-expiry-error" message={error?.field === "expiresInDays" ? error.message : undefined} />
      </div>
      {error && !["name", "scopes", "expiresInDays"].includes(error.field ?? "") ? (
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
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </button>
      </div>
    </form>
  );
}
