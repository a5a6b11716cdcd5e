import { describe, expect, it } from "vitest";
import { parseAgentArgs } from "@/agents/enrollment/cli-args";
import type { Lab } from "@/lab/lab";
import type { LabNetwork } from "@/lab/network/lab-network";
import { labAgentArgs } from "@/scripts/lab-agent-args";

const replicas = [
  { name: "pg-us-east-1", regionId: "aws:us-east-1", host: "127.0.0.1", port: 14431, databaseName: "orders", role: "primary", pid: null },
  { name: "pg-eu-west-1", regionId: "aws:eu-west-1", host: "127.0.0.1", port: 14432, databaseName: "orders", role: "standby", pid: null },
] as Lab["replicas"];

const network = { addressOf: () => ({ host: "127.0.0.1", port: 61000 }) } as unknown as LabNetwork;
const labWith = (password: string) => ({ replicas, password, connectionString: (name: string) => `postgresql://postgres:x@127.0.0.1:5543/${name}` }) as unknown as Lab;

function argsWithPassword(password: string, restartInPlace = false): string[] {
  return labAgentArgs({ dataDir: "/tmp/lab", lab: labWith(password), network, replica: replicas[0]!, binDir: "/usr/bin", metricsPort: 9464, healthPort: 8008, restartInPlace });
}

describe("the lab agent's host flags", () => {
  // A CI run failed once on a random password that started with "-": enroll refused it as an ambiguous option.
  it("carry a replication password that starts with a dash to the agent intact", () => {
    const parsed = parseAgentArgs(["enroll", "--token", "sye_test", ...argsWithPassword("-Xy_9")], {});
    expect(parsed).toMatchObject({ kind: "enroll", host: { replication: { user: "postgres", password: "-Xy_9" } } });
  });

  it("name the control plane, the data folder and the route to each peer as the agent reads them", () => {
    const parsed = parseAgentArgs(["configure", ...argsWithPassword("plain")], {});
    expect(parsed).toMatchObject({ kind: "configure", controlPlaneUrl: "http://127.0.0.1:61000" });
    expect(JSON.stringify(parsed)).toContain("127.0.0.1:14432");
    expect(parsed).toMatchObject({ host: { metrics: { port: 9464 }, health: { port: 8008, host: "127.0.0.1" } } });
  });

  it("turn restarting a crashed server in place off unless the lab is asked for it, so `kill <region>` stays a lost region", () => {
    const parsed = parseAgentArgs(["configure", ...argsWithPassword("plain")], {});
    expect(parsed).toMatchObject({ host: { server: { inPlaceRestart: { enabled: false } } } });
    expect(parseAgentArgs(["configure", ...argsWithPassword("plain", true)], {})).toMatchObject({ host: { server: { inPlaceRestart: { enabled: true } } } });
  });
});
