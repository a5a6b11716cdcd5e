import { describe, expect, it } from "vitest";
import { forkProblem, switchPoints } from "./timeline-fork";

const HISTORY = "1\t0/3000060\tno recovery target specified\n\n2\t0/8026360\tno recovery target specified\n";

describe("following a new primary's timeline", () => {
  it("reads the switch points of a history file", () => {
    expect(switchPoints(HISTORY)).toEqual(new Map([[1, 0x3000060n], [2, 0x8026360n]]));
  });

  it("lets a standby follow when it holds nothing past the fork", () => {
    expect(forkProblem(2, 0x8026360n, 3, HISTORY)).toBeNull();
    expect(forkProblem(2, 0x8000000n, 3, HISTORY)).toBeNull();
    expect(forkProblem(3, 0x9000000n, 3, HISTORY)).toBeNull();
  });

  it("says why a standby that went past the fork cannot follow", () => {
    expect(forkProblem(2, 0x8026361n, 3, HISTORY)).toBe("it holds WAL up to 134374241 on timeline 2, past 134374240 where the primary's timeline 3 forked from it");
    expect(forkProblem(4, 1n, 3, HISTORY)).toBe("it is on timeline 4, newer than the primary's 3");
    expect(forkProblem(5, 1n, 7, HISTORY)).toBe("the primary's history on timeline 7 does not pass through timeline 5");
  });
});
