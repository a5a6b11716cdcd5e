import { describe, expect, it } from "vitest";
import { firstNonAscii } from "./build";

describe("the bundle's ASCII check", () => {
  it("passes ASCII source, escapes included", () => {
    expect(firstNonAscii('const x = /[\\u0080-\\uffff]/; "caf\\u00e9";')).toBeNull();
  });

  it("finds the first character above U+007F and shows where it is", () => {
    const found = firstNonAscii("const NON_ASCII = /[\\u0080-\uffff]/;");
    expect(found).toEqual({ index: 27, context: "const NON_ASCII = /[\\u0080-\uffff]/;" });
    expect(firstNonAscii("é")).toEqual({ index: 0, context: "é" });
  });
});
