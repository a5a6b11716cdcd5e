/**
 * Splits a byte stream into newline-terminated frames (NDJSON): JSON text never
 * holds a raw newline, so a line is a frame. Bytes, not text, are buffered, so
 * a character split across chunks is decoded whole. A frame longer than
 * `maxFrameBytes` ends the stream: its end cannot be trusted to come.
 */
export class LineFrames {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** The frames `chunk` completes (blank lines skipped), or `tooLarge` once a frame passes the limit. */
  push(chunk: Buffer): { frames: string[]; tooLarge: boolean } {
    const frames: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      if (this.pendingBytes + piece.byteLength > this.maxFrameBytes) return { frames, tooLarge: true };
      const line = this.pendingBytes === 0 ? piece.toString("utf8") : Buffer.concat([...this.pending, piece]).toString("utf8");
      this.pending = [];
      this.pendingBytes = 0;
      const frame = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (frame.trim() !== "") frames.push(frame);
      start = end + 1;
    }
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.byteLength > this.maxFrameBytes) return { frames, tooLarge: true };
    if (rest.byteLength > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.byteLength;
    }
    return { frames, tooLarge: false };
  }

  /** Bytes of a frame begun but not ended: what a stream closing now leaves unsent. */
  get partialBytes(): number {
    return this.pendingBytes;
  }
}
