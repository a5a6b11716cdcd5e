import { show, stringOption, type Command } from "../command";
import { word } from "../command-args";
import { renderChange, renderChanges } from "../render/changes";
import { UsageError } from "../usage-error";

export const changesCommand: Command = {
  name: "changes",
  summary: "Policy change requests, newest first",
  usage: "changes [--status open|applied|rejected|expired|withdrawn] [--service <serviceId|global>]",
  examples: ["switchyard changes --status open"],
  options: {
    status: { type: "string", description: "Only requests in this status" },
    service: { type: "string", description: "Only this service's requests; global for the default policy" },
  },
  arity: [0, 0],
  async run(invocation) {
    const query = { status: stringOption(invocation, "status"), serviceId: stringOption(invocation, "service") };
    show(invocation, await invocation.client.call("listChangeRequests", { query }), renderChanges);
  },
};

export const changeCommand: Command = {
  name: "change",
  summary: "A change request with its diff and consequences; or approve / reject it",
  usage: "change <id> | change approve <id> [--note <text>] | change reject <id> --note <text>",
  examples: ["switchyard change clx0cr", 'switchyard change approve clx0cr --note "reviewed the diff"', 'switchyard change reject clx0cr --note "quorum too low"'],
  options: { note: { type: "string", description: "approve: a comment; reject: the reason (at least 3 characters)" } },
  arity: [1, 2],
  async run(invocation) {
    const [first] = invocation.args;
    if (invocation.args.length === 1) {
      show(invocation, await invocation.client.call("getChangeRequest", { params: { id: word(invocation, 0) } }), renderChange);
      return;
    }
    const params = { id: word(invocation, 1) };
    const note = stringOption(invocation, "note");
    if (first === "approve") show(invocation, await invocation.client.call("approveChangeRequest", { params, body: { comment: note } }), renderChange);
    else if (first === "reject") show(invocation, await invocation.client.call("rejectChangeRequest", { params, body: { reason: note } }), renderChange);
    else throw new UsageError(`unknown action "${first}"; use approve or reject`);
  },
};
