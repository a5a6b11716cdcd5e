import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LEDGER_FILE } from "../commands/command-ledger";
import { fenceCommandIds, fenceOwnership } from "./fence-commands";

const dirs: string[] = [];
function ledgerDir(kinds: [string, string][] | null): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-fence-commands-"));
  dirs.push(dir);
  if (kinds) writeFileSync(path.join(dir, LEDGER_FILE), JSON.stringify({ version: 1, highestEpoch: 3, commands: kinds.map(([id, kind]) => ({ id, kind })) }));
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("whether a fence is still the agent's own", () => {
  it("reads the fence and unfence commands of the ledger, none without one, null when it is damaged", () => {
    expect(fenceCommandIds(ledgerDir([["c1", "fence"], ["c2", "promote"], ["c3", "unfence"]]))).toEqual(["c1", "c3"]);
    expect(fenceCommandIds(ledgerDir(null))).toEqual([]);
    const damaged = ledgerDir(null);
    writeFileSync(path.join(damaged, LEDGER_FILE), "{");
    expect(fenceCommandIds(damaged)).toBeNull();
  });

  it("is, until the control plane commands a fence or an unfence", () => {
    const dir = ledgerDir([["c1", "fence"], ["c2", "checkpoint"]]);
    expect(fenceOwnership(dir, ["c1"])).toEqual({ own: true });
    writeFileSync(path.join(dir, LEDGER_FILE), JSON.stringify({ commands: [{ id: "c1", kind: "fence" }, { id: "c4", kind: "fence" }] }));
    expect(fenceOwnership(dir, ["c1"])).toEqual({
      own: false,
      commanded: true,
      reason: "the control plane has commanded a fence or unfence since this agent fenced itself (command c4); the setting is the control plane's now",
    });
  });

  it("is not, while a commanded fence cannot be ruled out", () => {
    expect(fenceOwnership(ledgerDir([]), null)).toMatchObject({ own: false, commanded: false, reason: expect.stringMatching(/could not be read when this agent fenced/) });
    const damaged = ledgerDir(null);
    writeFileSync(path.join(damaged, LEDGER_FILE), "{");
    expect(fenceOwnership(damaged, [])).toMatchObject({ own: false, commanded: false, reason: expect.stringMatching(/^the command ledger cannot be read/) });
  });
});
