import { describe, expect, it } from "vitest";
import { plannedPorts } from "./network-file";

describe("proxy port planning", () => {
  it("keeps each link's recorded port, so standbys configured by an earlier run find their link again", () => {
    const plan = plannedPorts(["a -> b", "b -> a", "a -> control-plane"], { "a -> b": 61001, "b -> a": 61002 }, new Set());
    expect([...plan]).toEqual([
      ["a -> b", 61001],
      ["b -> a", 61002],
      ["a -> control-plane", 0],
    ]);
  });

  it("lets the kernel pick when a recorded port is reserved for someone else or already claimed", () => {
    const plan = plannedPorts(["a -> b", "b -> a", "c -> a"], { "a -> b": 14432, "b -> a": 61002, "c -> a": 61002 }, new Set([14432]));
    expect([...plan]).toEqual([
      ["a -> b", 0],
      ["b -> a", 61002],
      ["c -> a", 0],
    ]);
  });
});
