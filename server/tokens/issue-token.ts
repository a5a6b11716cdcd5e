import "server-only";
import { scopesBeyondRoles } from "@/core/access/token-scopes";
import { API_TOKEN_PREFIX, TOKEN_MAX_DAYS, type CreateOwnTokenRequest, type IssuedToken, type IssueTokenRequest } from "@/contracts/tokens";
import { appendAuditEvents, type AuditActor, type AuditEventInput } from "../audit/append-audit-event";
import { breakGlassEvent } from "../auth/break-glass";
import { checkCredentials } from "../auth/check-credentials";
import { db, type Db } from "../db/client";
import { ValidationError } from "../errors";
import { newTokenSecret } from "../token-secret";
import { tokenView } from "./token-view";

const DAY_MS = 86_400_000;

/**
 * Issues a token for `ownerId` with the scopes asked for; the secret is in the
 * answer and nowhere else. Every token expires, within TOKEN_MAX_DAYS. A
 * scope that admits nothing the owner's roles grant is refused rather than
 * kept for a role the owner may be given later.
 */
export async function issueToken(
  ownerId: string,
  options: CreateOwnTokenRequest,
  actor: AuditActor,
  client: Db = db(),
  alsoAudit: readonly AuditEventInput[] = [],
): Promise<IssuedToken> {
  if (!(options.expiresInDays >= 1 && options.expiresInDays <= TOKEN_MAX_DAYS)) {
    throw new ValidationError(`expiresInDays: must be between 1 and ${TOKEN_MAX_DAYS}`, "expiresInDays");
  }
  const { secret, hash, prefix } = newTokenSecret(API_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + options.expiresInDays * DAY_MS);
  return client.$transaction(async (tx) => {
    const owner = await tx.user.findUniqueOrThrow({ where: { id: ownerId }, select: { roles: true } });
    const beyond = scopesBeyondRoles(owner.roles, options.scopes);
    if (beyond.length > 0) {
      throw new ValidationError(
        `scopes: ${beyond.join(", ")} would allow nothing with the roles ${owner.roles.join(", ") || "none"}; choose scopes the roles grant something in`,
        "scopes",
      );
    }
    const token = await tx.apiToken.create({
      data: { userId: ownerId, name: options.name, tokenHash: hash, prefix, expiresAt, scopes: options.scopes },
      include: { user: { select: { email: true } } },
    });
    const view = tokenView(token);
    await appendAuditEvents(tx, [
      {
        actor,
        action: "token.issue",
        target: { type: "api_token", id: token.id },
        after: { name: view.name, prefix: view.prefix, userId: view.userId, scopes: view.scopes, expiresAt: view.expiresAt },
      },
      ...alsoAudit,
    ]);
    return { ...view, token: secret };
  });
}

/** `POST /api/v1/auth/tokens`: a script trades email and password for a token. */
export async function issueTokenWithPassword(request: IssueTokenRequest, ip: string | null): Promise<IssuedToken> {
  const user = await checkCredentials({ email: request.email, password: request.password, ip, action: "token.issue" });
  const breakGlass = breakGlassEvent(user, ip, "api-token");
  return issueToken(
    user.id,
    { name: request.name, scopes: request.scopes, expiresInDays: request.expiresInDays },
    { type: "user", id: user.id, label: user.email, ip },
    db(),
    breakGlass ? [breakGlass] : [],
  );
}
