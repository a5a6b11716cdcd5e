import "server-only";
import { API_TOKEN_PREFIX, type IssuedToken, type IssueTokenRequest } from "@/contracts/tokens";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { checkCredentials } from "../auth/check-credentials";
import { db, type Db } from "../db/client";
import { newTokenSecret } from "./token-secret";
import { tokenView } from "./token-view";

const DAY_MS = 86_400_000;

/** Issues a token for `ownerId`; the secret is in the answer and nowhere else. */
export async function issueToken(
  ownerId: string,
  options: { name: string; expiresInDays?: number },
  actor: AuditActor,
  client: Db = db(),
): Promise<IssuedToken> {
  const { secret, hash, prefix } = newTokenSecret(API_TOKEN_PREFIX);
  const expiresAt = options.expiresInDays ? new Date(Date.now() + options.expiresInDays * DAY_MS) : null;
  return client.$transaction(async (tx) => {
    const token = await tx.apiToken.create({
      data: { userId: ownerId, name: options.name, tokenHash: hash, prefix, expiresAt },
      include: { user: { select: { email: true } } },
    });
    const view = tokenView(token);
    await appendAuditEvent(tx, {
      actor,
      action: "token.issue",
      target: { type: "api_token", id: token.id },
      after: { name: view.name, prefix: view.prefix, userId: view.userId, expiresAt: view.expiresAt },
    });
    return { ...view, token: secret };
  });
}

/** `POST /api/v1/auth/tokens`: a script trades email and password for a token. */
export async function issueTokenWithPassword(request: IssueTokenRequest, ip: string | null): Promise<IssuedToken> {
  const user = await checkCredentials({ email: request.email, password: request.password, ip, action: "token.issue" });
  return issueToken(
    user.id,
    { name: request.name, expiresInDays: request.expiresInDays },
    { type: "user", id: user.id, label: user.email, ip },
  );
}
