import "server-only";
import type { z } from "zod";
import type { putStatusComponentsRequestSchema, statusComponentListSchema } from "@/contracts/status-page";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ValidationError } from "../errors";
import { forgetStatusPage } from "./status-cache";

type PutStatusComponents = z.output<typeof putStatusComponentsRequestSchema>;
type StatusComponentList = z.infer<typeof statusComponentListSchema>;

async function readComponents(client: Tx | ReturnType<typeof db> = db()): Promise<StatusComponentList> {
  const components = await client.statusComponent.findMany({ orderBy: { position: "asc" }, include: { services: { select: { serviceId: true }, orderBy: { serviceId: "asc" } } } });
  return { components: components.map((component) => ({ id: component.id, name: component.name, description: component.description, services: component.services.map((service) => service.serviceId) })) };
}

/** The status page's components as configured, in page order; none until an admin configures them. */
export function listStatusComponents(): Promise<StatusComponentList> {
  return readComponents();
}

/**
 * Replaces the whole set of components, as the page shows them, in one
 * transaction: a service that does not exist (or is retired) refuses the
 * request, naming it, and nothing changes.
 */
export async function putStatusComponents(request: PutStatusComponents, actor: UserActor): Promise<StatusComponentList> {
  const named = [...new Set(request.components.flatMap((component) => component.services))];
  const live = new Set((await db().service.findMany({ where: { id: { in: named }, retiredAt: null }, select: { id: true } })).map((service) => service.id));
  for (const [index, component] of request.components.entries()) {
    const unknown = component.services.findIndex((service) => !live.has(service));
    if (unknown >= 0) throw new ValidationError(`components[${index}].services[${unknown}]: no live service ${component.services[unknown]}`, `components.${index}.services.${unknown}`);
  }
  const saved = await db().$transaction(async (tx) => {
    const before = await readComponents(tx);
    await tx.statusComponent.deleteMany({});
    for (const [position, component] of request.components.entries()) {
      await tx.statusComponent.create({
        data: {
          name: component.name,
          description: component.description || null,
          position,
          services: { create: [...new Set(component.services)].map((serviceId) => ({ serviceId })) },
        },
      });
    }
    const after = await readComponents(tx);
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "status_page.components_update",
      target: { type: "status_page", id: null },
      before: before.components.map(({ name, description, services }) => ({ name, description, services })),
      after: after.components.map(({ name, description, services }) => ({ name, description, services })),
    });
    return after;
  });
  // This copy's page shows the change at once; other copies' within their cache's few seconds.
  forgetStatusPage();
  return saved;
}
