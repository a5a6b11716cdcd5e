import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { callbackPath, signInAddress } from "@/core/access/callback-path";
import { oidcRefusalMessage } from "@/core/access/oidc-sign-in";
import { currentActor } from "@/server/auth/current-actor";
import { oidcSettings } from "@/server/auth/oidc-config";
import { SignInForm } from "./sign-in-form";
import { SingleSignOnButton } from "./single-sign-on-button";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string; rule?: string }> }) {
  const { callbackUrl, error, rule } = await searchParams;
  // Only paths on this application, so the sign-in page cannot be used to bounce people elsewhere.
  const next = callbackPath(callbackUrl, process.env.NEXTAUTH_URL ?? "http://localhost");
  if (await currentActor()) redirect(next);
  const sso = oidcSettings();
  const failure = signInFailure(error, rule, sso !== null);
  const requestHeaders = await headers();
  const host = requestHeaders.get("host");
  const address = signInAddress({ host, protocol: requestHeaders.get("x-forwarded-proto") === "https" ? "https" : "http", configuredUrl: process.env.NEXTAUTH_URL });
  if (address.id === "other-address-cannot-keep-a-session") redirect(`${address.configured}/signin?callbackUrl=${encodeURIComponent(next)}`);
  const configured = address.id === "other-address-signs-in-here" ? address.configured : null;
  return (
    <main className="auth-page">
      <div className="card auth-card stack">
        <div>
          <h1>Sign in to Switchyard</h1>
          <p className="muted">Replication, failover and governance for your stateful services.</p>
        </div>
        {configured ? (
          <div className="alert alert-info" role="note" aria-label="Address">
            This control plane&apos;s address is <a href={`${configured}/signin`}>{configured}</a>. You can sign in and out here at {host}; links in
            alerts{sso ? " and single sign-on" : ""} lead to {configured}, where you sign in separately.
          </div>
        ) : null}
        {failure ? (
          <div className="alert alert-error" role="alert">
            {failure}
          </div>
        ) : null}
        {sso ? (
          <>
            <SingleSignOnButton name={sso.displayName} next={next} />
            <p className="muted">Or, with a local account (for when single sign-on is unavailable; every use is audited):</p>
          </>
        ) : null}
        <SignInForm next={next} />
      </div>
    </main>
  );
}

// next-auth's own error codes from a failed provider round trip (OAuthSignin,
// OAuthCallback, …) get one message; the address's text is never shown.
function signInFailure(error: string | undefined, rule: string | undefined, singleSignOn: boolean): string | null {
  if (!error || error === "CredentialsSignin" || error === "SessionRequired") return null;
  if (error === "OidcRefused") return oidcRefusalMessage(rule) ?? "Single sign-on refused you.";
  const what = singleSignOn ? "Single sign-on" : "Signing in";
  return `${what} failed. Try again; if it keeps failing, ask a Switchyard administrator.`;
}
