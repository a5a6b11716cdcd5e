import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { adminToken, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";
import { portOf, requireLabState } from "@/lab/state";
import { findReplica, labService, labServices } from "@/lab/topology";
import { until } from "./until";

export { until };

/** The whole product with its lab, and an operator to drive it through the API. */
export interface Product {
  running: RunningControlPlane;
  admin: string;
  operator: string;
  api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }>;
  sql<T extends pg.QueryResultRow>(replica: string, text: string): Promise<T[]>;
  /** Waits until every replica of every service the lab runs reports healthy. */
  healthy(timeoutMs?: number): Promise<void>;
}

export interface ProductOptions {
  /** The lab's services to run (LAB_SERVICES), e.g. `["orders-db"]`; default every demo service, as npm start. Only these are declared to the control plane. */
  labServices?: readonly string[];
  /** More of the product's environment, e.g. `DATABASE_URL` and `MIGRATION_DATABASE_URL` for a store of the test's own. */
  env?: Record<string, string>;
}

/**
 * For the tests of one service's failover and switchover: the lab runs
 * orders-db alone, so payments-db's clusters and agents neither slow them
 * down nor fail over beside it when a region is killed, and the store holds
 * orders-db alone (the lab declares only what it runs).
 */
export const ORDERS_DB_ONLY: ProductOptions = { labServices: ["orders-db"] };

export async function startProduct(options: ProductOptions = {}): Promise<Product> {
  const running = await startControlPlane({ lab: true, env: { ...options.env, ...(options.labServices ? { LAB_SERVICES: options.labServices.join(",") } : {}) } });
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  const admin = await adminToken(running.url);
  const created = await api("POST", "/api/v1/users", admin, { email: "oncall@example.com", password: "on-call-password-1", roles: ["operator"] });
  if (created.status !== 201) throw new Error(`creating the operator: ${created.status}`);
  const issued = await fetch(`${running.url}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "oncall@example.com", password: "on-call-password-1", name: "integration test", scopes: ["operate"] }),
  });
  const operator = ((await issued.json()) as { token: string }).token;
  return {
    running,
    admin,
    operator,
    api,
    async healthy(timeoutMs = 60_000) {
      for (const service of labServices(options.labServices)) {
        await until(
          `a healthy ${service.id}`,
          () => api("GET", `/api/v1/services/${service.id}`, operator),
          ({ json }) => json.replicas?.every((replica: { live: { health: string } }) => replica.live.health === "healthy"),
          timeoutMs,
        );
      }
    },
    async sql<T extends pg.QueryResultRow>(replica: string, text: string) {
      const state = await requireLabState(running.dataDir);
      const database = labService(findReplica(replica).serviceId).database;
      const client = new pg.Client({ host: "127.0.0.1", port: portOf(state, replica), user: "postgres", password: state.password, database });
      await client.connect();
      try {
        return (await client.query<T>(text)).rows;
      } finally {
        await client.end();
      }
    },
  };
}


/**
 * The whole product for one test file: started before its first test and
 * stopped after its last. The answer stands for the running product (it
 * forwards to it), so tests read `product.api`, `product.running` as usual.
 */
export function productForFile(options: ProductOptions = {}): Product {
  let running: Product | undefined;
  beforeAll(async () => {
    running = await startProduct(options);
  }, 300_000);
  afterAll(async () => {
    await running?.running.stop();
  }, 120_000);
  return new Proxy({} as Product, {
    get(_, key) {
      if (!running) throw new Error("the product is not running: use it inside a test");
      return running[key as keyof Product];
    },
  });
}
