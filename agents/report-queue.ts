import { closeSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import type { AgentReport } from "@/contracts/agent-reports";
import { syncDirectory } from "./durable-file";
import { InPlaceFile } from "./in-place-file";

/**
 * Reports waiting for the control plane, on disk, so that neither a control
 * plane outage nor an agent restart loses them.
 *
 * Layout of the queue folder:
 * - `<first seq, 20 digits>.jsonl` segments: one report per line, appended
 *   as it is made. A line is fsynced once its report is still waiting when
 *   the next is appended (the control plane is down or slow), and before its
 *   segment is closed: a report delivered within its interval, as nearly all
 *   are, costs no flush of the disk (an fdatasync every second on the event
 *   loop, which a busy database's disk can hold for long). A kill loses
 *   nothing (the lines are in the page cache); a machine crash can lose the
 *   one report appended last, as it could lose the one being made. A kill in
 *   the middle of a write leaves a torn last line without its newline, which
 *   loading ignores and cuts off.
 * - `state.json`: the head (every seq at or below it was delivered or
 *   dropped), made durable before any segment is deleted, and the seqs
 *   reserved; written over in place (agents/in-place-file.ts). The acks in
 *   between are not fsynced: after a machine crash an older head is read
 *   back (or none, should the disk tear its sector), the reports above it
 *   are sent again, and the control plane, which holds them, answers where
 *   to go on from.
 *
 * A seq is reserved durably before it is used, SEQ_RESERVATION at a time
 * (a report can reach the control plane before its line is on disk), and on
 * load the counter resumes above the head, the reservation and the highest
 * seq in the segments. So seqs keep increasing across restarts and machine
 * crashes, even when every report was delivered; each restart skips what is
 * left of its reservation, a gap the control plane accepts.
 *
 * Only an index (seq, offset, length per waiting report) lives in memory;
 * report bodies are read back when a batch is sent, which keeps the agent
 * small while a long outage fills the queue. The bound counts the waiting
 * reports' bytes; when an append exceeds it, the oldest reports go first,
 * and are counted.
 */

export interface QueuedReport {
  seq: number;
  /** The report as stored: JSON, spliced into a batch without parsing. */
  json: string;
}

interface Entry {
  seq: number;
  offset: number;
  length: number;
}

interface Segment {
  file: string;
  size: number;
  /** Waiting reports, oldest first, in file order. */
  entries: Entry[];
}

interface QueueState {
  headSeq: number;
  /** Every seq handed out is at or below it. */
  reservedSeq: number;
}

/** Seqs reserved with one durable write: at one report a second, a write every ~17 minutes. */
export const SEQ_RESERVATION = 1000;

export interface ReportQueueOptions {
  maxBytes: number;
  /** A segment is closed for appends past this size; defaults to 1 MiB or 1/16 of maxBytes. */
  segmentBytes?: number;
  /** Called with how many reports the bound (or a damaged line) dropped. */
  onDrop?: (count: number) => void;
}

const STATE_FILE = "state.json";
/** state.json's width (agents/in-place-file.ts). */
const STATE_BYTES = 64;
const SEGMENT = /^(\d{20})\.jsonl$/;
const LEADING_SEQ = /^\{"seq":(\d+),/;
const NEWLINE = 0x0a;

const segmentName = (seq: number) => `${String(seq).padStart(20, "0")}.jsonl`;

export class ReportQueue {
  private readonly segments: Segment[] = [];
  private state: QueueState = { headSeq: 0, reservedSeq: 0 };
  /** The active segment holds lines not yet fsynced. */
  private unsynced = false;
  private highestSeq = 0;
  private appendFd: number | null = null;
  /**
   * The report appended last, as written: while it is all that waits (an
   * agent keeping up with its control plane), a batch is made of it without
   * reading it back from disk and checking it again.
   */
  private newest: QueuedReport | null = null;
  private readonly stateFile: InPlaceFile;
  private waitingBytes = 0;
  private waitingCount = 0;
  private droppedCount = 0;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;

  private constructor(
    private readonly dir: string,
    private readonly options: ReportQueueOptions,
  ) {
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes ?? Math.max(4096, Math.min(1024 * 1024, Math.floor(options.maxBytes / 16)));
    this.stateFile = new InPlaceFile(path.join(dir, STATE_FILE), STATE_BYTES);
  }

  static open(dir: string, options: ReportQueueOptions): ReportQueue {
    mkdirSync(dir, { recursive: true });
    const queue = new ReportQueue(dir, options);
    queue.load();
    return queue;
  }

  /** Reports waiting to be delivered. */
  get depth(): number {
    return this.waitingCount;
  }

  get bytes(): number {
    return this.waitingBytes;
  }

  /** Reports dropped (oldest first) since this process opened the queue. */
  get dropped(): number {
    return this.droppedCount;
  }

  get lastSeq(): number {
    return this.highestSeq;
  }

  /** The next sequence number, reserved durably before it is handed out. */
  nextSeq(): number {
    this.highestSeq += 1;
    if (this.highestSeq > this.state.reservedSeq) this.saveState({ ...this.state, reservedSeq: this.highestSeq + SEQ_RESERVATION - 1 }, { durable: true });
    return this.highestSeq;
  }

  append(report: AgentReport): void {
    const last = this.segments.at(-1);
    const lastWaiting = last?.entries.at(-1)?.seq ?? this.state.headSeq;
    if (report.seq <= lastWaiting) throw new Error(`seq ${report.seq} does not follow ${lastWaiting}`);
    // seq first, so loading can index a line without parsing it.
    const { seq, ...rest } = report;
    const json = `{"seq":${seq},${JSON.stringify(rest).slice(1)}`;
    const line = Buffer.from(`${json}\n`);
    const segment = last && last.size < this.segmentBytes ? last : this.newSegment(report.seq);
    const fd = this.appendFd ?? (this.appendFd = openSync(path.join(this.dir, segment.file), "a"));
    writeSync(fd, line);
    this.unsynced = true;
    // A report still waiting is on its way through an outage: from now on its line must survive a machine crash.
    if (this.waitingCount > 0) this.syncSegment();
    segment.entries.push({ seq: report.seq, offset: segment.size, length: line.length });
    segment.size += line.length;
    this.waitingBytes += line.length;
    this.waitingCount += 1;
    this.newest = { seq, json };
    this.enforceBound();
  }

  /** Up to `maxCount` waiting reports, oldest first. */
  peek(maxCount: number): QueuedReport[] {
    if (maxCount >= 1 && this.waitingCount === 1 && this.newest && this.segments.at(-1)?.entries[0]?.seq === this.newest.seq) return [this.newest];
    const reports: QueuedReport[] = [];
    const damaged: number[] = [];
    for (const segment of this.segments) {
      if (reports.length >= maxCount) break;
      const entries = segment.entries.slice(0, maxCount - reports.length);
      const first = entries[0];
      const last = entries.at(-1);
      if (!first || !last) continue;
      const buffer = Buffer.alloc(last.offset + last.length - first.offset);
      const fd = openSync(path.join(this.dir, segment.file), "r");
      try {
        readSync(fd, buffer, 0, buffer.length, first.offset);
      } finally {
        closeSync(fd);
      }
      for (const entry of entries) {
        const json = buffer.toString("utf8", entry.offset - first.offset, entry.offset - first.offset + entry.length - 1);
        if (isReportLine(json, entry.seq)) reports.push({ seq: entry.seq, json });
        else damaged.push(entry.seq);
      }
    }
    if (damaged.length > 0) this.dropDamaged(new Set(damaged));
    return reports;
  }

  /** Forgets every report at or below `seq`: the control plane holds them. Returns how many went. */
  ack(seq: number): number {
    let removed = 0;
    for (const segment of this.segments) {
      while (segment.entries[0] && segment.entries[0].seq <= seq) {
        this.waitingBytes -= segment.entries.shift()!.length;
        removed += 1;
      }
      if (segment.entries.length > 0) break;
    }
    this.waitingCount -= removed;
    // Numbers the control plane already holds must never be handed out again;
    // the head is saved before the segments holding them can be deleted.
    this.highestSeq = Math.max(this.highestSeq, seq);
    if (seq > this.state.headSeq) this.saveState({ ...this.state, headSeq: seq }, { durable: this.hasDeletableSegments(false) });
    this.deleteEmptySegments(false);
    return removed;
  }

  close(): void {
    this.closeSegment();
    this.stateFile.close();
  }

  private closeSegment(): void {
    if (this.appendFd !== null) {
      this.syncSegment();
      closeSync(this.appendFd);
    }
    this.appendFd = null;
  }

  private syncSegment(): void {
    if (this.appendFd === null || !this.unsynced) return;
    fdatasyncSync(this.appendFd);
    this.unsynced = false;
  }

  private newSegment(seq: number): Segment {
    this.closeSegment();
    const segment: Segment = { file: segmentName(seq), size: 0, entries: [] };
    writeFileSync(path.join(this.dir, segment.file), "");
    syncDirectory(this.dir);
    this.segments.push(segment);
    return segment;
  }

  /** Lines that no longer parse are lost; they count as dropped. */
  private dropDamaged(seqs: Set<number>): void {
    for (const segment of this.segments) {
      const kept = segment.entries.filter((entry) => !seqs.has(entry.seq));
      for (const entry of segment.entries) if (seqs.has(entry.seq)) this.waitingBytes -= entry.length;
      segment.entries = kept;
    }
    this.waitingCount -= seqs.size;
    this.deleteEmptySegments(false);
    this.droppedCount += seqs.size;
    this.options.onDrop?.(seqs.size);
  }

  private enforceBound(): void {
    if (this.waitingBytes <= this.maxBytes) return;
    let dropped = 0;
    let head = this.state.headSeq;
    for (const segment of this.segments) {
      while (this.waitingBytes > this.maxBytes && this.waitingCount > 1) {
        const entry = segment.entries.shift();
        if (!entry) break;
        this.waitingBytes -= entry.length;
        this.waitingCount -= 1;
        dropped += 1;
        head = entry.seq;
      }
    }
    if (dropped === 0) return;
    this.saveState({ ...this.state, headSeq: head }, { durable: true });
    this.deleteEmptySegments(false);
    this.droppedCount += dropped;
    this.options.onDrop?.(dropped);
  }

  /**
   * A segment goes once nothing in it waits, unless it is the one still
   * taking appends (keeping it spares a file creation per delivered report).
   */
  /** Empty segments, except the active one while it takes appends (unless `includingActive`). */
  private deletable(segment: Segment, includingActive: boolean): boolean {
    if (segment.entries.length > 0) return false;
    return includingActive || segment !== this.segments.at(-1) || segment.size >= this.segmentBytes;
  }

  private hasDeletableSegments(includingActive: boolean): boolean {
    return this.segments.some((segment) => this.deletable(segment, includingActive));
  }

  private deleteEmptySegments(includingActive: boolean): void {
    const active = this.segments.at(-1);
    for (let i = this.segments.length - 1; i >= 0; i -= 1) {
      const segment = this.segments[i]!;
      if (!this.deletable(segment, includingActive)) continue;
      if (segment === active) {
        // Nothing in it waits: a file about to be deleted needs no flush.
        this.unsynced = false;
        this.closeSegment();
      }
      rmSync(path.join(this.dir, segment.file), { force: true });
      this.segments.splice(i, 1);
    }
  }

  private load(): void {
    const saved = this.readState();
    const files = readdirSync(this.dir)
      .filter((file) => SEGMENT.test(file))
      .sort();
    let after = saved.headSeq;
    let highest = 0;
    for (const file of files) {
      const loaded = this.loadSegment(file, after);
      after = loaded.segment.entries.at(-1)?.seq ?? after;
      highest = Math.max(highest, loaded.highest);
      this.segments.push(loaded.segment);
    }
    this.state = saved;
    this.highestSeq = Math.max(saved.headSeq, saved.reservedSeq, highest);
    this.deleteEmptySegments(true);
    this.enforceBound();
  }

  /** Indexes a segment's complete lines above `after`; earlier and repeated seqs are gone already. */
  private loadSegment(file: string, after: number): { segment: Segment; highest: number } {
    const full = path.join(this.dir, file);
    const data = readFileSync(full);
    const complete = data.lastIndexOf(NEWLINE) + 1;
    if (complete < data.length) truncateSync(full, complete);
    const segment: Segment = { file, size: complete, entries: [] };
    let highest = 0;
    for (let offset = 0; offset < complete; ) {
      const end = data.indexOf(NEWLINE, offset);
      const match = LEADING_SEQ.exec(data.toString("utf8", offset, Math.min(end, offset + 40)));
      const seq = match ? Number(match[1]) : NaN;
      if (Number.isSafeInteger(seq)) {
        highest = Math.max(highest, seq);
        if (seq > after) {
          segment.entries.push({ seq, offset, length: end + 1 - offset });
          this.waitingBytes += end + 1 - offset;
          this.waitingCount += 1;
          after = seq;
        }
      }
      offset = end + 1;
    }
    return { segment, highest };
  }

  private readState(): QueueState {
    try {
      const { headSeq, reservedSeq } = JSON.parse(readFileSync(path.join(this.dir, STATE_FILE), "utf8")) as Partial<QueueState>;
      const seq = (value: unknown) => (typeof value === "number" && Number.isSafeInteger(value) ? value : 0);
      return { headSeq: seq(headSeq), reservedSeq: seq(reservedSeq) };
    } catch {
      return { headSeq: 0, reservedSeq: 0 };
    }
  }

  private saveState(state: QueueState, { durable }: { durable: boolean }): void {
    this.stateFile.write(JSON.stringify(state), { durable });
    this.state = state;
  }
}

function isReportLine(json: string, seq: number): boolean {
  try {
    const value = JSON.parse(json) as { seq?: unknown };
    return value.seq === seq;
  } catch {
    return false;
  }
}
