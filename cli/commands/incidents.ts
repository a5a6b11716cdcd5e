import { show, stringOption, stringsOption, type Command } from "../command";
import { word } from "../command-args";
import { UsageError } from "../usage-error";
import { renderIncident, renderIncidentChange, renderIncidents } from "../render/incidents";

export const incidentsCommand: Command = {
  name: "incidents",
  summary: "Incidents, open ones first, with their status and commander",
  usage: "incidents [--service <serviceId>] [--open | --resolved]",
  examples: ["switchyard incidents --open", "switchyard incidents --service orders-db"],
  options: {
    service: { type: "string", description: "Only this service's incidents" },
    open: { type: "boolean", description: "Only open incidents" },
    resolved: { type: "boolean", description: "Only resolved incidents" },
  },
  arity: [0, 0],
  async run(invocation) {
    if (invocation.options.open === true && invocation.options.resolved === true) throw new UsageError("--open and --resolved exclude each other");
    const open = invocation.options.open === true ? "true" : invocation.options.resolved === true ? "false" : undefined;
    show(invocation, await invocation.client.call("listIncidents", { query: { serviceId: stringOption(invocation, "service"), open } }), renderIncidents);
  },
};

export const showIncidentCommand: Command = {
  name: "show-incident",
  summary: "An incident: roles, status updates and its timeline in order, with who or what did each thing and why",
  usage: "show-incident <incidentId>",
  examples: ["switchyard show-incident clx0inc"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("getIncident", { params: { id: word(invocation, 0) } }), renderIncident);
  },
};

export const declareIncidentCommand: Command = {
  name: "declare-incident",
  summary: "Declare an incident by hand for one or more services; you take command (refused for a service with an open incident)",
  usage: "declare-incident <serviceId>… --title <text> --note <text>",
  examples: ['switchyard declare-incident orders-db --title "checkout errors" --note "customers report timeouts since 03:10"'],
  options: { title: { type: "string", description: "What the incident is about" }, note: { type: "string", description: "What is known so far" } },
  arity: [1, 20],
  async run(invocation) {
    const body = { serviceIds: invocation.args, title: stringOption(invocation, "title"), note: stringOption(invocation, "note") };
    show(invocation, await invocation.client.call("declareIncident", { body }), renderIncidentChange);
  },
};

export const incidentStatusCommand: Command = {
  name: "incident-status",
  summary: "Post a status update with a note: investigating, identified, monitoring or resolved (audited)",
  usage: "incident-status <incidentId> <status> --note <text>",
  examples: ['switchyard incident-status clx0inc monitoring --note "writes flow to eu-west-1; watching lag"'],
  options: { note: { type: "string", description: "What changed (required, at least 3 characters)" } },
  arity: [2, 2],
  async run(invocation) {
    const body = { status: word(invocation, 1), note: stringOption(invocation, "note") };
    show(invocation, await invocation.client.call("updateIncidentStatus", { params: { id: word(invocation, 0) }, body }), renderIncidentChange);
  },
};

export const assignCommand: Command = {
  name: "assign",
  summary: "Assign an incident's commander, add or remove responders, by email (audited)",
  usage: "assign <incidentId> [--commander <email> | --no-commander] [--responder <email>]… [--remove-responder <email>]… [--note <text>]",
  examples: ["switchyard assign clx0inc --commander ada@example.com --responder bo@example.com"],
  options: {
    commander: { type: "string", description: "Who takes command" },
    "no-commander": { type: "boolean", description: "Hand command over to nobody" },
    responder: { type: "string", multiple: true, description: "Add a responder (repeatable)" },
    "remove-responder": { type: "string", multiple: true, description: "Remove a responder (repeatable)" },
    note: { type: "string", description: "Why (recorded in the audit trail)" },
  },
  arity: [1, 1],
  async run(invocation) {
    const commander = stringOption(invocation, "commander");
    if (commander && invocation.options["no-commander"] === true) throw new UsageError("--commander and --no-commander exclude each other");
    const body = {
      ...(commander ? { commander } : invocation.options["no-commander"] === true ? { commander: null } : {}),
      addResponders: stringsOption(invocation, "responder"),
      removeResponders: stringsOption(invocation, "remove-responder"),
      note: stringOption(invocation, "note"),
    };
    show(invocation, await invocation.client.call("changeIncidentRoles", { params: { id: word(invocation, 0) }, body }), renderIncidentChange);
  },
};

export const incidentReviewCommand: Command = {
  name: "incident-review",
  summary: "Print a resolved incident's post-incident review in Markdown (or write it as a PDF); --draft first writes a new version from the record",
  usage: "incident-review <incidentId> [--draft] [--version <n>] [--pdf]",
  examples: ["switchyard incident-review clx0inc --draft > review.md", "switchyard incident-review clx0inc --pdf > review.pdf"],
  options: {
    draft: { type: "boolean", description: "Write a new draft from the record first" },
    version: { type: "string", description: "A version other than the latest" },
    pdf: { type: "boolean", description: "Write the review as a PDF to standard output" },
  },
  arity: [1, 1],
  async run(invocation) {
    const id = word(invocation, 0);
    const drafted = invocation.options.draft === true ? await invocation.client.call("draftIncidentReview", { params: { id } }) : null;
    const version = drafted ? String(drafted.version) : stringOption(invocation, "version");
    if (invocation.options.pdf === true) {
      await invocation.client.stream("exportIncidentReview", { params: { id }, query: { format: "pdf", version } }, (chunk) => invocation.io.outBytes(chunk));
      return;
    }
    show(invocation, drafted ?? (await invocation.client.call("getIncidentReview", { params: { id }, query: { version } })), (value) => value.markdown);
  },
};

export const INCIDENT_COMMANDS: readonly Command[] = [incidentsCommand, showIncidentCommand, declareIncidentCommand, incidentStatusCommand, assignCommand, incidentReviewCommand];
