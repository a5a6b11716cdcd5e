import { show, stringOption, type Command } from "../command";
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
  summary: "Where clients should connect: the write replica and a libpq connection string, or with --read the closest replica within a lag limit",
  usage: "route <serviceId> [--read --near <regionId> --max-lag-seconds <n>]",
  examples: ["switchyard route orders-db", "switchyard route orders-db --read --near aws:eu-west-1 --max-lag-seconds 5"],
  options: {
    read: { type: "boolean", description: "The read route instead of the write route (needs --near and --max-lag-seconds)" },
    near: { type: "string", description: "The region the client is in or closest to" },
    "max-lag-seconds": { type: "string", description: "The most replay lag the read accepts, in seconds" },
  },
  arity: [1, 1],
  async run(invocation) {
    // The contract names what is missing or wrong (the client checks it before sending, the server again): the CLI passes on what it was given.
    const query = { intent: invocation.options.read === true ? ("read" as const) : undefined, near: stringOption(invocation, "near"), maxLagSeconds: stringOption(invocation, "max-lag-seconds") };
    show(invocation, await invocation.client.call("getWriteRoute", { params: { id: word(invocation, 0) }, query }), renderRoute);
  },
};
