/**
 * The order a plan moves its services in, as dependencies: "orders-db before
 * orders-history" means orders-history starts only once orders-db has moved.
 * Groups are a shorthand: every service of a group waits for every service
 * of the group before it.
 */
export interface PlanOrder {
  groups?: readonly (readonly string[])[];
  dependencies?: readonly { service: string; after: readonly string[] }[];
}

export interface OrderProblem {
  field: string;
  message: string;
}

export type Dependencies = Record<string, string[]>;

/**
 * The dependencies of every service in scope, or what is wrong with the
 * order: a service it names that is not in the plan, a service in two
 * groups, a service after itself, a cycle (named service by service).
 */
export function planDependencies(services: readonly string[], order: PlanOrder): { ok: true; dependsOn: Dependencies } | { ok: false; problems: OrderProblem[] } {
  const problems: OrderProblem[] = [];
  const inScope = new Set(services);
  const dependsOn: Record<string, Set<string>> = Object.fromEntries(services.map((service) => [service, new Set<string>()]));
  const groupOf = new Map<string, number>();
  (order.groups ?? []).forEach((group, index) => {
    group.forEach((service, position) => {
      const field = `order.groups.${index}.${position}`;
      if (!inScope.has(service)) problems.push({ field, message: `${service} is not one of the plan's services` });
      else if (groupOf.has(service)) problems.push({ field, message: `${service} is already in group ${groupOf.get(service)}` });
      else groupOf.set(service, index);
    });
  });
  const groups = order.groups ?? [];
  for (const [service, index] of groupOf) {
    for (const earlier of groups[index - 1] ?? []) if (groupOf.get(earlier) === index - 1) dependsOn[service]!.add(earlier);
  }
  (order.dependencies ?? []).forEach((dependency, index) => {
    const field = `order.dependencies.${index}`;
    if (!inScope.has(dependency.service)) return problems.push({ field: `${field}.service`, message: `${dependency.service} is not one of the plan's services` });
    dependency.after.forEach((before, position) => {
      if (!inScope.has(before)) problems.push({ field: `${field}.after.${position}`, message: `${before} is not one of the plan's services` });
      else if (before === dependency.service) problems.push({ field: `${field}.after.${position}`, message: `${before} cannot wait for itself` });
      else dependsOn[dependency.service]!.add(before);
    });
  });
  if (problems.length) return { ok: false, problems };
  const cycle = findCycle(dependsOn);
  if (cycle) return { ok: false, problems: [{ field: "order", message: `the order has a cycle: ${cycle.join(" waits for ")}` }] };
  return { ok: true, dependsOn: Object.fromEntries(services.map((service) => [service, [...dependsOn[service]!].sort()])) };
}

/** A cycle as the services along it, first repeated last; null when there is none. */
function findCycle(dependsOn: Record<string, Set<string>>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (service: string): string[] | null => {
    const at = path.indexOf(service);
    if (at >= 0) return [...path.slice(at), service];
    if (done.has(service)) return null;
    path.push(service);
    for (const before of [...dependsOn[service]!].sort()) {
      const cycle = visit(before);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(service);
    return null;
  };
  for (const service of Object.keys(dependsOn).sort()) {
    const cycle = visit(service);
    if (cycle) return cycle;
  }
  return null;
}
