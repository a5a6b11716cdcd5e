import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { oidcRefusalMessage } from "@/core/access/oidc-sign-in";
import { currentActor } from "@/server/auth/current-actor";
import { OIDC_SETTINGS } from "@/server/auth/oidc-config";
import { SignInForm } from "./sign-in-form";
import { SingleSignOnButton } from "./single-sign-on-button";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string; rule?: string }> }) {
  if (await currentActor()) redirect("/fleet");
  const { callbackUrl, error, rule } = await searchParams;
  // Only same-site paths, so the sign-in page cannot be used to bounce people elsewhere.
  const next = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/fleet";
  const failure = signInFailure(error, rule);
  return (
    <div className="auth-page">
      <div className="card auth-card stack">
        <div>
          <h1>Sign in to Switchyard</h1>
          <p className="muted">Replication, failover and governance for your stateful services.</p>
        </div>
        {failure ? (
          <div className="alert alert-error" role="alert">
            {failure}
          </div>
        ) : null}
        {OIDC_SETTINGS ? (
          <>
            <SingleSignOnButton name={OIDC_SETTINGS.displayName} next={next} />
            <p className="muted">Or, with a local account (for when single sign-on is unavailable; every use is audited):</p>
          </>
        ) : null}
        <SignInForm next={next} />
      </div>
    </div>
  );
}

// next-auth's own error codes from a failed provider round trip (OAuthSignin,
// OAuthCallback, …) get one message; the address's text is never shown.
function signInFailure(error: string | undefined, rule: string | undefined): string | null {
  if (!error || error === "CredentialsSignin" || error === "SessionRequired") return null;
  if (error === "OidcRefused") return oidcRefusalMessage(rule) ?? "Single sign-on refused you.";
  const what = OIDC_SETTINGS ? "Single sign-on" : "Signing in";
  return `${what} failed. Try again; if it keeps failing, ask a Switchyard administrator.`;
}
