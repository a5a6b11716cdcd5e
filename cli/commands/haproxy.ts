import { writeFile } from "node:fs/promises";
import { backendReplicas } from "@/core/load-balancing/backend-replicas";
import { haproxyConfig, HaproxyConfigError } from "@/core/load-balancing/haproxy-config";
import { stringOption, type Command, type Invocation } from "../command";
import { word } from "../command-args";
import { UsageError } from "../usage-error";

const DEFAULTS = { bind: "127.0.0.1", writePort: "5000", readPort: "5001", maxLag: "16MB" } as const;

function portOption(invocation: Invocation, name: string, fallback: string): number {
  const text = stringOption(invocation, name) ?? fallback;
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`--${name} ${text}: must be a port number`);
  return Number(text);
}

export const haproxyConfigCommand: Command = {
  name: "haproxy-config",
  summary: "Write an HAProxy configuration for a service: a write port checked on each agent's /primary, a read port on /replica?lag=",
  usage: "haproxy-config <serviceId> [--bind 127.0.0.1] [--write-port 5000] [--read-port 5001] [--max-lag 16MB] [--max-lag-seconds <s>] [--health-ca-file <pem>] [-o <file>]",
  examples: [
    "switchyard haproxy-config orders-db -o /etc/haproxy/haproxy.cfg && systemctl reload haproxy",
    "switchyard haproxy-config orders-db --bind 0.0.0.0 --max-lag 64MB --max-lag-seconds 10",
  ],
  options: {
    bind: { type: "string", description: `The address HAProxy listens on for clients (default ${DEFAULTS.bind})` },
    "write-port": { type: "string", description: `Clients write here: only the replica answering 200 on /primary (default ${DEFAULTS.writePort})` },
    "read-port": { type: "string", description: `Clients read here: the standbys within the lag limit (default ${DEFAULTS.readPort})` },
    "max-lag": { type: "string", description: `The read port's lag limit, in bytes or with a unit (default ${DEFAULTS.maxLag})` },
    "max-lag-seconds": { type: "string", description: "A lag limit in seconds as well, for the read port" },
    "health-ca-file": { type: "string", description: "The CA that signed the agents' health endpoint certificates, when they serve HTTPS" },
    output: { type: "string", short: "o", description: "Write the configuration to this file (stdout otherwise)" },
  },
  arity: [1, 1],
  async run(invocation) {
    const serviceId = word(invocation, 0);
    const writePort = portOption(invocation, "write-port", DEFAULTS.writePort);
    const readPort = portOption(invocation, "read-port", DEFAULTS.readPort);
    const [service, { agents }] = await Promise.all([invocation.client.call("getService", { params: { id: serviceId } }), invocation.client.call("listAgents")]);
    let config;
    try {
      config = haproxyConfig({
        serviceId,
        replicas: backendReplicas(service, agents),
        bind: stringOption(invocation, "bind") ?? DEFAULTS.bind,
        writePort,
        readPort,
        maxLag: stringOption(invocation, "max-lag") ?? DEFAULTS.maxLag,
        maxLagSeconds: stringOption(invocation, "max-lag-seconds"),
        healthCaFile: stringOption(invocation, "health-ca-file"),
        generatedBy: `written by \`switchyard haproxy-config\` from its topology at ${invocation.io.now().toISOString()}`,
      });
    } catch (error) {
      if (error instanceof HaproxyConfigError) throw new UsageError(error.message);
      throw error;
    }
    const output = stringOption(invocation, "output");
    if (output) await writeFile(output, config.text);
    if (invocation.json) {
      invocation.io.out(JSON.stringify({ serviceId, output: output ?? null, config: config.text, leftOut: config.leftOut, warnings: config.warnings }, null, 2));
    } else if (output) {
      invocation.io.out(`Wrote ${output}: ${serviceId} writes on port ${writePort}, reads on port ${readPort}.`);
    } else {
      invocation.io.out(config.text.trimEnd());
    }
    for (const item of config.leftOut) invocation.io.err(`left out: ${item.sentence}`);
    for (const warning of config.warnings) invocation.io.err(`warning: ${warning}`);
  },
};
