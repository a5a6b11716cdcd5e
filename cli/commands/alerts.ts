import { show, stringOption, type Command } from "../command";
import { word } from "../command-args";
import { renderAcknowledged, renderAlerts } from "../render/alerts";

export const alertsCommand: Command = {
  name: "alerts",
  summary: "Alerts, newest first, with counts",
  usage: "alerts [--state pending,firing] [--service <serviceId>]",
  examples: ["switchyard alerts --state pending,firing", "switchyard alerts --service orders-db"],
  options: {
    state: { type: "string", description: "Comma-separated states: pending, firing, resolved" },
    service: { type: "string", description: "Only this service's alerts" },
  },
  arity: [0, 0],
  async run(invocation) {
    const query = { state: stringOption(invocation, "state"), serviceId: stringOption(invocation, "service") };
    show(invocation, await invocation.client.call("listAlerts", { query }), renderAlerts);
  },
};

export const ackCommand: Command = {
  name: "ack",
  summary: "Acknowledge a pending or firing alert with a note (audited)",
  usage: "ack <alertId> --note <text>",
  examples: ['switchyard ack clx0abc --note "restarting the europe-west3 host"'],
  options: { note: { type: "string", description: "What you are doing about it (at least 3 characters)" } },
  arity: [1, 1],
  async run(invocation) {
    const alert = await invocation.client.call("acknowledgeAlert", { params: { id: word(invocation, 0) }, body: { note: stringOption(invocation, "note") } });
    show(invocation, alert, renderAcknowledged);
  },
};
