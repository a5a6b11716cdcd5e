import packageJson from "@/package.json";

/** Sent with every batch, so the control plane knows which agents run which code. */
export const AGENT_VERSION: string = packageJson.version;
