import { describe, expect, it } from "vitest";
import { inFenceTurn } from "./fence-turn";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("the one turn every read-only change takes, whatever the engine", () => {
  it("runs a change only once every change started before it has finished, in the order they were started", async () => {
    const events: string[] = [];
    const change = (name: string) =>
      inFenceTurn(async () => {
        events.push(`${name} starts`);
        await tick();
        events.push(`${name} ends`);
        return name;
      });
    expect(await Promise.all([change("keeper's fence"), change("fence command"), change("keeper's unfence")])).toEqual(["keeper's fence", "fence command", "keeper's unfence"]);
    expect(events).toEqual(["keeper's fence starts", "keeper's fence ends", "fence command starts", "fence command ends", "keeper's unfence starts", "keeper's unfence ends"]);
  });

  it("a change that fails hands the turn on, and its caller gets the failure", async () => {
    const failed = inFenceTurn(async () => {
      throw new Error("the server went away");
    });
    const next = inFenceTurn(async () => "ran");
    await expect(failed).rejects.toThrow("the server went away");
    expect(await next).toBe("ran");
  });
});
