import type { IssuedEnrollmentToken } from "@/contracts/enrollment";
import { enrollCommandLine } from "@/core/agents/enroll-command-line";
import { utc } from "../format";

export function renderEnrollmentToken(issued: IssuedEnrollmentToken, controlPlaneUrl: string): string {
  return [
    `Enrollment token for ${issued.serviceId}/${issued.replicaName} (${issued.regionId}), single use, until ${utc(issued.expiresAt)} UTC:`,
    "",
    `  ${issued.token}`,
    "",
    `On the replica's host (fill in the monitoring ${issued.engine === "mariadb" ? "user" : "role"}'s URL):`,
    `  ${enrollCommandLine(controlPlaneUrl, issued.token, issued.commandKeyFingerprint, issued)}`,
    "",
    `The agent prints the command key's fingerprint when it enrolls; it must be ${issued.commandKeyFingerprint}`,
  ].join("\n");
}
