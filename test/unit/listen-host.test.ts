import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listenHost } from "@/scripts/listen-host";

describe("where npm start's control plane listens", () => {
  it("is this machine only unless HOST says otherwise", () => {
    expect(listenHost({})).toBe("127.0.0.1");
    expect(listenHost({ HOST: "" })).toBe("127.0.0.1");
    expect(listenHost({ HOST: "0.0.0.0" })).toBe("0.0.0.0");
    expect(listenHost({ HOST: "::" })).toBe("::");
  });

  it("is what scripts/start.ts passes to next start, always", () => {
    const start = readFileSync("scripts/start.ts", "utf8");
    expect(start).toMatch(/"node_modules\/next\/dist\/bin\/next", "start", "-p", String\(port\), "-H", listenHost\(process\.env\)\]/);
  });
});
