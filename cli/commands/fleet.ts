import { show, type Command } from "../command";
import { word } from "../command-args";
import { renderFleet, renderRoute, renderService } from "../render/fleet";

export const statusCommand: Command = {
  name: "status",
  summary: "Fleet overview: verdict, services, regions",
  usage: "status",
  examples: ["switchyard status", "switchyard status --json | jq '.services[].health'"],
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("fleetOverview"), renderFleet);
  },
};

export const serviceCommand: Command = {
  name: "service",
  summary: "A service's replicas: role, health, lag, timeline, last report",
  usage: "service <serviceId>",
  examples: ["switchyard service orders-db"],
  arity: [1, 1],
  async run(invocation) {
    const detail = await invocation.client.call("getService", { params: { id: word(invocation, 0) } });
    show(invocation, detail, (value) => renderService(value, invocation.io.now()));
  },
};

export const routeCommand: Command = {
  name: "route",
  summary: "Where a service takes writes now",
  usage: "route <serviceId>",
  examples: ["switchyard route orders-db"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("getWriteRoute", { params: { id: word(invocation, 0) } }), renderRoute);
  },
};
