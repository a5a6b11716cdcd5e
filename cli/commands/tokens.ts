import { show, type Command } from "../command";
import { word } from "../command-args";
import { renderRevokedToken, renderTokens } from "../render/tokens";

export const tokensCommand: Command = {
  name: "tokens",
  summary: "Your API tokens with their scopes, expiry and last use (everyone's with --all, for admins with an admin-scoped token)",
  usage: "tokens [--all]",
  examples: ["switchyard tokens", "switchyard tokens --all"],
  options: { all: { type: "boolean", description: "Every user's tokens (admins)" } },
  arity: [0, 0],
  async run(invocation) {
    const list = await invocation.client.call("listTokens", { query: { scope: invocation.options.all === true ? "all" : "own" } });
    show(invocation, list, (value) => renderTokens(value, invocation.io.now()));
  },
};

export const revokeTokenCommand: Command = {
  name: "revoke-token",
  summary: "Revoke an API token: with an API token, only that token itself (admins: anyone's, with an admin-scoped token)",
  usage: "revoke-token <tokenId>",
  examples: ["switchyard revoke-token clx0abc"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("revokeToken", { params: { id: word(invocation, 0) } }), renderRevokedToken);
  },
};
