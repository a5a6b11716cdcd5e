import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { copySessionPid } from "@/server/lease/copy-session";
import { acquireLease } from "@/server/lease/lease";

const TEN_MINUTES = 600_000;

/** Another control-plane copy's kept store session, in a process of its own: its backend pid, and a way to SIGKILL the process. */
async function anotherCopy(): Promise<{ pid: number; kill: () => void }> {
  const script = `
    const pg = require("pg");
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    client.connect().then(() => client.query("SELECT pg_backend_pid() AS pid")).then(({ rows }) => console.log(rows[0].pid));
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ["-e", script], { cwd: process.cwd(), env: process.env, stdio: ["ignore", "pipe", "inherit"] });
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", (data: Buffer) => resolve(Number(data.toString().trim())));
    child.once("exit", (code) => reject(new Error(`the other copy exited with ${code} before connecting`)));
  });
  return { pid, kill: () => child.kill("SIGKILL") };
}

async function sessionListed(pid: number): Promise<boolean> {
  const rows = await db().$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`;
  return rows.length > 0;
}

async function heldBy(name: string, holder: string, holderPid: number | null): Promise<void> {
  await db().$executeRaw`
    INSERT INTO "Lease" (name, holder, token, "expiresAt", "holderPid") VALUES (${name}, ${holder}, 1, now() + interval '10 minutes', ${holderPid})`;
}

describe("a lease whose holder's process died", () => {
  it("is taken at once, with a new fencing token, once the store has ended the holder's session; not before", async () => {
    const other = await anotherCopy();
    await heldBy("gone-holder", "other-host:4242:executor", other.pid);
    expect(await acquireLease("gone-holder", "this-copy", TEN_MINUTES)).toEqual({ held: false, token: 0n });

    other.kill();
    const deadline = Date.now() + 10_000;
    while (await sessionListed(other.pid)) {
      if (Date.now() > deadline) throw new Error(`the store still lists session ${other.pid} 10 s after its process was killed`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(await acquireLease("gone-holder", "this-copy", TEN_MINUTES)).toEqual({ held: true, token: 2n });
    const row = await db().lease.findUniqueOrThrow({ where: { name: "gone-holder" } });
    expect(row.holderPid).toBe(await copySessionPid());
  });

  it("waits for its expiry when it names no session (its holder's session was down when it renewed)", async () => {
    await heldBy("no-session", "other-host:4243:executor", null);
    expect((await acquireLease("no-session", "this-copy", TEN_MINUTES)).held).toBe(false);
    await db().lease.update({ where: { name: "no-session" }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await acquireLease("no-session", "this-copy", TEN_MINUTES)).toEqual({ held: true, token: 2n });
  });

  it("stays with a live holder: each lease this process takes names its kept session, which another copy sees alive", async () => {
    const pid = await copySessionPid();
    expect(pid).not.toBeNull();
    expect(await sessionListed(pid!)).toBe(true);
    expect(await acquireLease("live-holder", "this-copy:decider", TEN_MINUTES)).toEqual({ held: true, token: 1n });
    expect((await db().lease.findUniqueOrThrow({ where: { name: "live-holder" } })).holderPid).toBe(pid);
    expect((await acquireLease("live-holder", "another-copy:decider", TEN_MINUTES)).held).toBe(false);
  });
});
