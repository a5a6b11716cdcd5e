import "server-only";
import type { ServiceList } from "@/contracts/services";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";
import { SERVICE_INCLUDE, serviceView } from "./service-view";

export async function listServices(): Promise<ServiceList> {
  const [services, regions] = await Promise.all([
    // Retired services and regions are history: GET /api/v1/services/{id} still reads a retired service.
    db().service.findMany({ where: { retiredAt: null }, orderBy: { id: "asc" }, include: SERVICE_INCLUDE }),
    db().region.findMany({ where: { retiredAt: null }, orderBy: { id: "asc" } }),
  ]);
  const policies = await effectivePolicies(services.map((service) => service.id));
  return { regions, services: services.map((service) => serviceView(service, policies.get(service.id))) };
}
