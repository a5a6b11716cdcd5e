import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import type { OidcSettings } from "@/core/access/oidc-settings";
import { emailSchema } from "@/contracts/users";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import { DomainError } from "../errors";
import { accountSettings } from "./account-settings";
import { clientIp } from "./actor";
import { checkCredentials } from "./check-credentials";
import { assertSessionStands, endSessionsOnSignOut, sessionClaimsAtSignIn } from "./session-claims";
import { oidcSettings } from "./oidc-config";
import { oidcProvider } from "./oidc-provider";
import { singleSignOnSignIn } from "./single-sign-on-callback";

const credentialsSchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) });

const providersOf = (settings: OidcSettings | null) => (settings ? [oidcProvider(settings)] : []);

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  // Neither the cookie nor the token in it outlasts the session's absolute
  // lifetime (SWITCHYARD_SESSION_HOURS); next-auth's token default is 30 days.
  session: { strategy: "jwt", maxAge: accountSettings().sessionLifetimeMs / 1000 },
  jwt: { maxAge: accountSettings().sessionLifetimeMs / 1000 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) throw new Error("Enter an email address and a password.");
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers ?? {})) {
          if (typeof value === "string") headers.set(name, value);
        }
        const ip = clientIp(headers);
        try {
          const user = await checkCredentials({ ...parsed.data, ip, action: "auth.sign_in" });
          await db().$transaction(async (tx) => {
            await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
            await appendAuditEvent(tx, {
              actor: { type: "user", id: user.id, label: user.email, ip },
              action: "auth.sign_in",
              target: { type: "user", id: user.id },
            });
          });
          return { id: user.id, email: user.email, name: user.name };
        } catch (error) {
          // next-auth shows an authorize error's message to the person signing in.
          if (error instanceof DomainError) throw new Error(error.message);
          throw error;
        }
      },
    }),
    ...providersOf(oidcSettings()),
  ],
  callbacks: {
    signIn: singleSignOnSignIn,
    // A session carries the user's session version and its sign-in time,
    // checked on every request (resolve-actor) and whenever next-auth would
    // renew it here: it ends on sign-out, password change, role change and at
    // its absolute lifetime, however active. Single sign-on hands the local
    // account's id over as user.id (single-sign-on-callback.ts).
    async jwt({ token, user }) {
      if (user) return { ...token, sub: user.id, ...(await sessionClaimsAtSignIn(user.id)) };
      await assertSessionStands(token);
      return token;
    },
  },
  events: {
    async signOut({ token }) {
      await endSessionsOnSignOut(token);
    },
  },
};
