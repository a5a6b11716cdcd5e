"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { OIDC_PROVIDER_ID } from "@/core/access/oidc-settings";

/** Sends the browser to the identity provider; next-auth brings it back to `next`. */
export function SingleSignOnButton({ name, next }: { name: string; next: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="button button-primary"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn(OIDC_PROVIDER_ID, { callbackUrl: next });
      }}
    >
      {pending ? "Redirecting…" : `Continue with ${name}`}
    </button>
  );
}
