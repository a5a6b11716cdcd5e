import "server-only";
import { readLabState } from "@/lab/state";
import { LAB_SERVICES, LAB_SUPERUSER } from "@/lab/topology";
import { dataDir } from "../data-dir";

/** Who the canary connects as; where to comes from the service's write route. */
export interface CanaryCredentials {
  user: string;
  password: string;
  /** Overrides the route's database when set. */
  database: string | null;
  /** Where they came from, for the report (never the secret itself). */
  source: string;
}

/** `orders-db` → `SWITCHYARD_DRILL_CANARY_ORDERS_DB`. */
export const canaryVariable = (serviceId: string) => `SWITCHYARD_DRILL_CANARY_${serviceId.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

/**
 * The canary's credentials for a service: a connection string configured in
 * the control plane's environment (its host is ignored: the canary follows
 * the write route), else, for a service of the lab, the lab's own superuser;
 * null when there are none, and the drill then says RPO was not measured.
 */
export async function canaryCredentials(serviceId: string, env: Record<string, string | undefined> = process.env): Promise<CanaryCredentials | null> {
  const variable = canaryVariable(serviceId);
  const configured = env[variable];
  if (configured) {
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      return null;
    }
    const database = decodeURIComponent(url.pathname.slice(1));
    return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: database || null, source: `the ${variable} setting` };
  }
  if (!LAB_SERVICES.some((service) => service.id === serviceId)) return null;
  const lab = await readLabState(dataDir()).catch(() => null);
  return lab ? { user: LAB_SUPERUSER, password: lab.password, database: null, source: "the lab's credentials" } : null;
}
