import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { callbackPath, otherConfiguredAddress } from "@/core/access/callback-path";
import { currentActor } from "@/server/auth/current-actor";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  // Only paths on this application, so the sign-in page cannot be used to bounce people elsewhere.
  const next = callbackPath(callbackUrl, process.env.NEXTAUTH_URL ?? "http://localhost");
  if (await currentActor()) redirect(next);
  const host = (await headers()).get("host");
  const configured = otherConfiguredAddress(host, process.env.NEXTAUTH_URL);
  return (
    <div className="auth-page">
      <div className="card auth-card stack">
        <div>
          <h1>Sign in to Switchyard</h1>
          <p className="muted">Replication, failover and governance for your stateful services.</p>
        </div>
        {configured ? (
          <div className="alert alert-info" role="note" aria-label="Address">
            This control plane&apos;s address is <a href={`${configured}/signin`}>{configured}</a>. You can sign in here at {host}, but signing out
            and links in alerts lead to {configured}, where you sign in separately.
          </div>
        ) : null}
        <SignInForm next={next} />
      </div>
    </div>
  );
}
