import { describe, expect, it } from "vitest";
import { csvField, csvRecord } from "./csv";

describe("CSV (RFC 4180)", () => {
  it("leaves plain fields bare", () => expect(csvRecord(["a", 1, "b c"])).toBe("a,1,b c\r\n"));

  it("quotes fields with commas, quotes, CR or LF and doubles the quotes", () => {
    expect(csvField('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvField("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvField("a\rb")).toBe('"a\rb"');
  });

  it("tells null (empty) from an empty string (quoted)", () => {
    expect(csvRecord([null, "", "x"])).toBe(',"",x\r\n');
  });
});
