import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_ENVIRONMENT, AGENT_NODE_FLAGS, AGENT_NODE_FLAGS_ENV, agentEnvironmentWords, agentNodeFlags } from "./node-flags";

const readme = readFileSync(path.join(import.meta.dirname, "README.md"), "utf8");

describe("the agent's Node.js flags", () => {
  it("are the ones the README's systemd unit, container and config-file examples start it with", () => {
    const flags = AGENT_NODE_FLAGS.join(" ");
    expect(readme).toContain(`ExecStart=/usr/bin/node ${flags} /usr/local/bin/switchyard-agent run`);
    expect(readme).toContain(`ENTRYPOINT ["node", ${AGENT_NODE_FLAGS.map((flag) => JSON.stringify(flag)).join(", ")}, "/usr/local/bin/switchyard-agent"]`);
    expect(readme).toContain(`node ${flags} dist/switchyard-agent.cjs /path/to/agent.json`);
  });

  it("come with the environment that the same examples set", () => {
    expect(agentEnvironmentWords()).toEqual(["MALLOC_MMAP_THRESHOLD_=131072", "MALLOC_ARENA_MAX=2"]);
    const assignments = Object.entries(AGENT_ENVIRONMENT);
    expect(readme).toContain(`\n${assignments.map(([name, value]) => `Environment=${name}=${value}\n`).join("")}ExecStart=/usr/bin/node`);
    expect(readme).toContain(`\nENV ${assignments.map(([name, value]) => `${name}=${value}`).join(" ")}\nENTRYPOINT ["node"`);
    expect(readme).toContain(`\n${agentEnvironmentWords().join(" ")} node ${AGENT_NODE_FLAGS.join(" ")} dist/switchyard-agent.cjs /path/to/agent.json`);
  });

  it("are replaced, for measuring others, by the environment's list", () => {
    expect(agentNodeFlags({})).toEqual(AGENT_NODE_FLAGS);
    expect(agentNodeFlags({ [AGENT_NODE_FLAGS_ENV]: " --lite-mode  --max-semi-space-size=1 " })).toEqual(["--lite-mode", "--max-semi-space-size=1"]);
    expect(agentNodeFlags({ [AGENT_NODE_FLAGS_ENV]: "" })).toEqual([]);
  });
});
