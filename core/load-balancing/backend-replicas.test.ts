import { describe, expect, it } from "vitest";
import { backendReplicas } from "./backend-replicas";

const replica = (id: string, name: string, role: "primary" | "standby" | "witness") => ({ id, name, role, host: `${name}.internal`, port: 5432 });

describe("backendReplicas", () => {
  it("takes each replica's endpoint and its active agent's health endpoint, never a revoked agent's", () => {
    const service = { replicas: [replica("r1", "pg-a", "primary"), replica("r2", "pg-b", "standby"), replica("r3", "pg-c", "standby")] } as never;
    const agents = [
      { replicaId: "r1", revokedAt: null, health: { host: "0.0.0.0", port: 8008, tls: false } },
      { replicaId: "r2", revokedAt: "2026-12-01T00:00:00.000Z", health: { host: "0.0.0.0", port: 8008, tls: false } },
      { replicaId: "r2", revokedAt: null, health: null },
    ];
    expect(backendReplicas(service, agents)).toEqual([
      { name: "pg-a", role: "primary", host: "pg-a.internal", port: 5432, health: { host: "0.0.0.0", port: 8008, tls: false } },
      { name: "pg-b", role: "standby", host: "pg-b.internal", port: 5432, health: null },
      { name: "pg-c", role: "standby", host: "pg-c.internal", port: 5432, health: null },
    ]);
  });
});
