import { decodeJwt, decodeProtectedHeader, errors, importSPKI, jwtVerify } from "jose";
import type * as z from "zod/mini";
import {
  AGENT_COMMAND_KINDS,
  agentCommandClaimsSchema,
  COMMAND_ARGS,
  type AgentCommandArgs,
  type AgentCommandClaims,
  type AgentCommandKind,
} from "@/contracts/agent-commands";
import { trustedKeyFor, UntrustedKeyError, type CommandKeys } from "./key-statement";

/**
 * Clocks of the agent and the control plane may differ a little; a command
 * whose expiry passed within this window still counts as unexpired.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

export type CommandKey = CryptoKey;

/** A command whose signature, claims and arguments all checked out. */
export type VerifiedCommand = {
  [K in AgentCommandKind]: { id: string; kind: K; args: AgentCommandArgs<K>; claims: AgentCommandClaims };
}[AgentCommandKind];

export interface CommandVerifier {
  /** The control plane's keys this agent trusts (during a rotation, the current and the next). */
  keys: CommandKeys;
  /** The audience: a command addressed to another agent is refused. */
  agentName: string;
  replicaName: string;
  now?: () => Date;
}

export type Verification = { ok: true; command: VerifiedCommand } | { ok: false; reason: string };

export function importCommandKey(spkiPem: string): Promise<CommandKey> {
  return importSPKI(spkiPem, "EdDSA");
}

/**
 * Checks a command handed out under `id`: an EdDSA signature by a key this
 * agent trusts, named by the token's kid (a command naming no key, or one the
 * agent does not or no longer trusts, is refused), issuer, audience (this agent), expiry, the claims' shape, the
 * replica it is meant for, and the arguments of its kind. Anything else is a
 * refusal with a sentence saying why; no unverified command ever reaches an
 * executor.
 */
export async function verifyCommand(id: string, token: string, verifier: CommandVerifier): Promise<Verification> {
  const now = verifier.now?.() ?? new Date();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, trustedKeyFor(verifier.keys, "command"), {
      algorithms: ["EdDSA"],
      issuer: "switchyard",
      audience: verifier.agentName,
      requiredClaims: ["exp", "iat", "jti"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    return refuse(whyNotVerified(error, token, verifier.agentName, now));
  }

  const claims = agentCommandClaimsSchema.safeParse(payload);
  if (!claims.success) return refuse(`the command's claims are invalid: ${issues(claims.error)}`);
  const { jti, replica, kind, args } = claims.data;
  if (jti !== id) return refuse(`the signed command id (jti) ${JSON.stringify(jti)} is not the id it was handed out under (${JSON.stringify(id)})`);
  if (replica !== verifier.replicaName) {
    return refuse(`the command is for replica ${JSON.stringify(replica)}, but this agent runs replica ${JSON.stringify(verifier.replicaName)}`);
  }
  const parsedArgs = (COMMAND_ARGS[kind] as z.ZodMiniType).safeParse(args);
  if (!parsedArgs.success) return refuse(`invalid args for ${kind}: ${issues(parsedArgs.error)}`);
  return { ok: true, command: { id, kind, args: parsedArgs.data, claims: claims.data } as VerifiedCommand };
}

/**
 * The kind and epoch a token claims, unverified: only for logs and metric
 * labels of a command that is being refused. Never a basis for acting.
 */
export function unverifiedLabels(token: string): { kind: AgentCommandKind | "unknown"; epoch: number | null } {
  try {
    const claims = decodeJwt(token);
    const kind = AGENT_COMMAND_KINDS.find((known) => known === claims.kind) ?? "unknown";
    return { kind, epoch: typeof claims.epoch === "number" ? claims.epoch : null };
  } catch {
    return { kind: "unknown", epoch: null };
  }
}

function refuse(reason: string): Verification {
  return { ok: false, reason };
}

function whyNotVerified(error: unknown, token: string, agentName: string, now: Date): string {
  if (error instanceof UntrustedKeyError) return error.message;
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const alg = headerAlg(token);
    if (alg === undefined || alg.toLowerCase() === "none") return "the command is unsigned (alg: none); only EdDSA-signed commands are executed";
    return `the command is signed with ${JSON.stringify(alg)}; only EdDSA-signed commands are executed`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the command's signature does not verify against the control plane's key its kid names";
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    const when = typeof exp === "number" ? new Date(exp * 1000).toISOString() : "an unknown time";
    return `the command expired at ${when} (agent clock ${now.toISOString()})`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") {
      return `the command is addressed to ${JSON.stringify(error.payload.aud ?? null)}, not to this agent (${JSON.stringify(agentName)})`;
    }
    if (error.claim === "iss") return `the command was issued by ${JSON.stringify(error.payload.iss ?? null)}, not by "switchyard"`;
    return `the command's ${JSON.stringify(error.claim)} claim is unacceptable: ${error.message}`;
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return `the command is not a well-formed signed token: ${error.message}`;
  return `the command could not be verified: ${error instanceof Error ? error.message : String(error)}`;
}

function headerAlg(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

function issues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}
