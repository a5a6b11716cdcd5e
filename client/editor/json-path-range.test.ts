import { json } from "@codemirror/lang-json";
import { EditorState } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { jsonPathRange } from "./json-path-range";

const TEXT = `{
  "heartbeat": { "intervalSeconds": 120, "missesBeforeUnfit": 5 },
  "maintenanceWindows": [
    { "startsAt": "soon", "reason": "r" },
    { "startsAt": "2026-12-08T02:00:00Z", "reason": "s" }
  ],
  "datasets": { "order-history": { "replication": "asnyc" } }
}`;

const state = EditorState.create({ doc: TEXT, extensions: [json()] });
const textAt = (path: (string | number)[]) => {
  const { from, to } = jsonPathRange(state, path);
  return state.sliceDoc(from, to);
};

describe("jsonPathRange", () => {
  it("finds a value by its keys", () => {
    expect(textAt(["heartbeat", "intervalSeconds"])).toBe("120");
    expect(textAt(["datasets", "order-history", "replication"])).toBe('"asnyc"');
  });

  it("finds an array item by its index", () => {
    expect(textAt(["maintenanceWindows", 0, "startsAt"])).toBe('"soon"');
    expect(textAt(["maintenanceWindows", 1, "startsAt"])).toBe('"2026-12-08T02:00:00Z"');
  });

  it("marks a missing key at the opening bracket of the object that lacks it", () => {
    expect(jsonPathRange(state, ["maintenanceWindows", 0, "endsAt"])).toEqual({ from: TEXT.indexOf('{ "startsAt": "soon"'), to: TEXT.indexOf('{ "startsAt": "soon"') + 1 });
    expect(textAt(["witness", "quorum"])).toBe("{");
    expect(jsonPathRange(state, [])).toEqual({ from: 0, to: 1 });
  });

  it("stops at an index past the end of an array", () => {
    expect(textAt(["maintenanceWindows", 5])).toBe("[");
  });
});
