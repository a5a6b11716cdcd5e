import { describe, expect, it } from "vitest";
import { csvField, csvRecord, spreadsheetSafe } from "./csv";

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

describe("formula injection", () => {
  it("puts a single quote before a cell that a spreadsheet would run as a formula (= + - @ tab CR, LF, NUL)", () => {
    expect(csvField("=2+5+cmd|' /C calc'!A0@evil.example")).toBe("'=2+5+cmd|' /C calc'!A0@evil.example");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1+2")).toBe("'-1+2");
    expect(csvField("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField("\r=1")).toBe("\"'\r=1\"");
    expect(csvField("\n=1")).toBe("\"'\n=1\"");
    expect(csvField("\0=1")).toBe("'\0=1");
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"');
  });

  it("marks a value that already begins with a quote too, so removing one leading quote always gives the exact value back", () => {
    expect(spreadsheetSafe("'=1")).toBe("''=1");
    for (const value of ["=1", "'=1", "''", "plain", "a=b", "x-y@z", ""]) {
      const written = spreadsheetSafe(value);
      expect(written.startsWith("'") ? written.slice(1) : written).toBe(value);
    }
  });

  it("leaves every other cell as it is, and numbers (negative ones too) as numbers", () => {
    for (const value of ["alice@example.com", "a=b", "10.0.0.7", "{\"roles\":[\"admin\"]}", " =not at the start"]) expect(spreadsheetSafe(value)).toBe(value);
    expect(csvRecord([-5, 12])).toBe("-5,12\r\n");
  });
});
