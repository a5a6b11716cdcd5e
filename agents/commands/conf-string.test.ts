import { describe, expect, it } from "vitest";
import { confString } from "./conf-string";

describe("confString", () => {
  it("escapes backslashes and quotes as postgresql.conf's parser reads them, as ALTER SYSTEM writes them", () => {
    expect(confString("host='db' password='it\\'s \\\\ mine'")).toBe("'host=''db'' password=''it\\\\''s \\\\\\\\ mine'''");
  });

  it("refuses a line break, which would end the value and leave a file the server cannot read", () => {
    expect(() => confString("secret\nrestore_command='x'")).toThrow(/cannot hold a line break/);
    expect(() => confString("secret\r")).toThrow(/cannot hold a line break/);
  });
});
