"use client";

import { signOut } from "next-auth/react";

/**
 * Signs out, then opens the sign-in page at the address the person is using:
 * next-auth would resolve its callbackUrl against NEXTAUTH_URL and take
 * someone who signed in at another address (127.0.0.1 for localhost) there.
 */
async function signOutHere(): Promise<void> {
  await signOut({ redirect: false });
  window.location.assign("/signin");
}

export function SignOutButton() {
  return (
    <button type="button" className="link-button" onClick={() => void signOutHere()}>
      Sign out
    </button>
  );
}
