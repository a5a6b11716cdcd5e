import { describe, expect, it } from "vitest";
import { LineFrames } from "./line-frames";

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("LineFrames", () => {
  it("yields each complete line as a frame, keeping a partial one for the next chunk", () => {
    const frames = new LineFrames(1024);
    expect(frames.push(bytes('{"a":1}\n{"b":'))).toEqual({ frames: ['{"a":1}'], tooLarge: false });
    expect(frames.partialBytes).toBe(5);
    expect(frames.push(bytes('2}\n{"c":3}\n'))).toEqual({ frames: ['{"b":2}', '{"c":3}'], tooLarge: false });
    expect(frames.partialBytes).toBe(0);
  });

  it("decodes a character split across chunks whole", () => {
    const frames = new LineFrames(1024);
    const line = bytes('{"region":"são-paulo"}\n');
    const cut = line.indexOf(0xc3) + 1;
    expect(frames.push(line.subarray(0, cut)).frames).toEqual([]);
    expect(frames.push(line.subarray(cut)).frames).toEqual(['{"region":"são-paulo"}']);
  });

  it("skips blank lines and drops a carriage return before the newline", () => {
    expect(new LineFrames(1024).push(bytes('\n  \n{"a":1}\r\n\n'))).toEqual({ frames: ['{"a":1}'], tooLarge: false });
  });

  it("refuses a frame longer than the limit, whether it ends in the chunk or not", () => {
    expect(new LineFrames(8).push(bytes("123456789\n"))).toEqual({ frames: [], tooLarge: true });
    const frames = new LineFrames(8);
    expect(frames.push(bytes("ok\n12345"))).toEqual({ frames: ["ok"], tooLarge: false });
    expect(frames.push(bytes("6789"))).toEqual({ frames: [], tooLarge: true });
  });

  it("takes a frame of exactly the limit", () => {
    expect(new LineFrames(8).push(bytes("12345678\n"))).toEqual({ frames: ["12345678"], tooLarge: false });
  });
});
