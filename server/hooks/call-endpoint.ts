import "server-only";
import { performance } from "node:perf_hooks";
import { signedHeaders } from "@/core/hooks/hook-signature";
import { ANSWER_BODY_LIMIT, boundedText, type EndpointAnswer } from "@/core/hooks/runbook-hooks";
import type { RunContext } from "@/core/runbooks/run-context";
import type { Run, StepRun } from "../db/generated/client";
import { endpointSecret, hooksConfig } from "./hooks-config";
import { runReplicas } from "./run-replicas";

/** The run and step a call is for, with the run's parameters as stored. */
export interface CallOf {
  run: Run;
  stepRun: StepRun;
  context: RunContext;
  params: Record<string, string>;
}

/** What a receiver is told: the run, the step, the service and its epoch now, the parameters, and the replicas the run acts on. */
async function callBody({ run, stepRun, context, params }: CallOf, gate: string | null) {
  const { epoch, primary, target } = await runReplicas(run.serviceId, context);
  return {
    run: run.id,
    runbook: run.runbookId,
    mode: run.mode,
    step: stepRun.stepId,
    attempt: stepRun.attempts,
    gate,
    service: run.serviceId,
    epoch,
    parameters: params,
    primary,
    target,
  };
}

/** Enough of the answer to keep ANSWER_BODY_LIMIT characters of it: a receiver that streams on is not read to its end. */
async function firstBytes(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length <= ANSWER_BODY_LIMIT * 4) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * One signed POST to a configured endpoint, made before the move's
 * transaction (as a notify step's webhook is), so that its answer is decided
 * on. Never throws for the receiver's sake: no answer is an answer too.
 */
export async function callEndpoint(on: CallOf, name: string, gate: string | null, stepTimeoutSeconds: number): Promise<EndpointAnswer> {
  const { stepRun } = on;
  const endpoint = hooksConfig().endpoints[name];
  const secret = endpoint ? endpointSecret(endpoint) : null;
  if (!endpoint || !secret) return { endpoint: name, unreachable: "not in the hooks configuration (or its secret is not set)", durationMs: 0 };
  const body = JSON.stringify(await callBody(on, gate));
  const timestamp = Math.floor(Date.now() / 1000);
  const timeoutMs = Math.min(endpoint.timeoutSeconds, stepTimeoutSeconds) * 1000;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signedHeaders(secret, timestamp, body, `${stepRun.idempotencyKey}:${stepRun.attempts}`, name) },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { endpoint: name, status: response.status, body: boundedText(await firstBytes(response)), durationMs: elapsed() };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    return { endpoint: name, unreachable: timedOut ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message, durationMs: elapsed() };
  }
}
