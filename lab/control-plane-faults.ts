import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isProcessAlive } from "@/embedded/process-alive";
import { FaultRefused } from "./fault-refused";
import type { ControlPlaneView } from "./network/control-api";

/**
 * Faults of the control plane `npm start` supervises (scripts/start.ts keeps
 * its pid in `<dataDir>/control-plane.pid` and restarts it 1 s after it
 * dies). A stop is held by this object: it continues the process when the
 * time is up, or when the stack stops, so that nothing is left frozen.
 */
export class ControlPlaneFaults {
  private paused: { pid: number; until: Date; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly dataDir: string) {}

  /** SIGSTOP now, SIGCONT after `seconds`. */
  stop(seconds: number): ControlPlaneView {
    if (this.paused) throw new FaultRefused(`the control plane (pid ${this.paused.pid}) is already stopped until ${this.paused.until.toISOString()}`);
    const pid = this.pid();
    process.kill(pid, "SIGSTOP");
    const until = new Date(Date.now() + seconds * 1000);
    this.paused = { pid, until, timer: setTimeout(() => this.resume(), seconds * 1000) };
    return { pid, resumesAt: until.toISOString() };
  }

  /** SIGKILL; scripts/start.ts starts a new one a second later. */
  kill(): ControlPlaneView {
    const pid = this.pid();
    this.forgetPause();
    process.kill(pid, "SIGKILL");
    return { pid, resumesAt: null };
  }

  /** Continues a stopped control plane at once (a no-op when none is stopped). */
  resume(): void {
    const paused = this.paused;
    this.forgetPause();
    if (paused && isProcessAlive(paused.pid)) process.kill(paused.pid, "SIGCONT");
  }

  private forgetPause(): void {
    clearTimeout(this.paused?.timer);
    this.paused = null;
  }

  private pid(): number {
    const file = path.join(this.dataDir, "control-plane.pid");
    const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) {
      throw new FaultRefused(`no control plane is running for ${this.dataDir} (${file} names no live process); it may be restarting`);
    }
    return pid;
  }
}
