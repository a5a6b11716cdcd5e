import "server-only";
import type { ServiceList } from "@/contracts/services";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";
import { SERVICE_INCLUDE, serviceView } from "./service-view";

export async function listServices(): Promise<ServiceList> {
  const [services, regions] = await Promise.all([
    db().service.findMany({ orderBy: { id: "asc" }, include: SERVICE_INCLUDE }),
    db().region.findMany({ orderBy: { id: "asc" } }),
  ]);
  const policies = await effectivePolicies(services.map((service) => service.id));
  return { regions, services: services.map((service) => serviceView(service, policies.get(service.id))) };
}
