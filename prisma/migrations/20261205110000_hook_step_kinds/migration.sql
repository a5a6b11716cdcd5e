-- Runbook hooks: a POST to a configured endpoint, an agent's allowlisted script, and a service's pre-/post-failover gate.
ALTER TYPE "StepKind" ADD VALUE 'http';
ALTER TYPE "StepKind" ADD VALUE 'script';
ALTER TYPE "StepKind" ADD VALUE 'gate';
