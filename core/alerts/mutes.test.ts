import { describe, expect, it } from "vitest";
import { MUTES, muteOf } from "./mutes";

describe("muteOf", () => {
  it("is null when nothing mutes", () => {
    expect(muteOf({ "maintenance-window": null, silence: null, inhibition: null })).toBeNull();
  });
  it("picks a maintenance window over a silence over an inhibition", () => {
    expect(muteOf({ "maintenance-window": "window", silence: "silence", inhibition: "inhibited" })).toBe("window");
    expect(muteOf({ "maintenance-window": null, silence: "silence", inhibition: "inhibited" })).toBe("silence");
    expect(muteOf({ "maintenance-window": null, silence: null, inhibition: "inhibited" })).toBe("inhibited");
  });
  it("is a table of uniquely named mutes, each with a sentence", () => {
    expect(new Set(MUTES.map((mute) => mute.id)).size).toBe(MUTES.length);
    for (const mute of MUTES) expect(mute.sentence).toMatch(/^[A-Z].*\.$/);
  });
});
