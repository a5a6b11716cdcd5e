import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS, AGENT_NODE_FLAGS_ENV, agentNodeFlags } from "./node-flags";

const readme = readFileSync(path.join(import.meta.dirname, "README.md"), "utf8");

describe("the agent's Node.js flags", () => {
  it("are the ones the README's systemd unit, container and config-file examples start it with", () => {
    const flags = AGENT_NODE_FLAGS.join(" ");
    expect(readme).toContain(`ExecStart=/usr/bin/node ${flags} /usr/local/bin/switchyard-agent run`);
    expect(readme).toContain(`ENTRYPOINT ["node", ${AGENT_NODE_FLAGS.map((flag) => JSON.stringify(flag)).join(", ")}, "/usr/local/bin/switchyard-agent"]`);
    expect(readme).toContain(`node ${flags} dist/switchyard-agent.mjs /path/to/agent.json`);
  });

  it("are replaced, for measuring others, by the environment's list", () => {
    expect(agentNodeFlags({})).toEqual(AGENT_NODE_FLAGS);
    expect(agentNodeFlags({ [AGENT_NODE_FLAGS_ENV]: " --lite-mode  --max-semi-space-size=1 " })).toEqual(["--lite-mode", "--max-semi-space-size=1"]);
    expect(agentNodeFlags({ [AGENT_NODE_FLAGS_ENV]: "" })).toEqual([]);
  });
});
