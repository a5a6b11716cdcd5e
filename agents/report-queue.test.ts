import { appendFileSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { agentReportSchema, type AgentReport } from "@/contracts/agent-reports";
import { simulatedReport } from "./adapters/simulated-adapter";
import { ReportQueue, SEQ_RESERVATION, type ReportQueueOptions } from "./report-queue";

// Every flush of a file's data to disk, counted: the queue's segments and its state file use fdatasync.
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return { ...fs, fdatasyncSync: vi.fn(fs.fdatasyncSync) };
});
const { fdatasyncSync } = await import("node:fs");
const flushes = vi.mocked(fdatasyncSync);

let dir: string;
const open: ReportQueue[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-queue-"));
});

afterEach(() => {
  for (const queue of open.splice(0)) queue.close();
  rmSync(dir, { recursive: true, force: true });
});

function openQueue(options: Partial<ReportQueueOptions> = {}): ReportQueue {
  const queue = ReportQueue.open(dir, { maxBytes: 64 * 1024 * 1024, ...options });
  open.push(queue);
  return queue;
}

/** Appends a report under the queue's next seq and returns it. */
function appendNext(queue: ReportQueue): AgentReport {
  const seq = queue.nextSeq();
  const report = { ...simulatedReport(7, seq, "standby"), seq };
  queue.append(report);
  return report;
}

const seqs = (queue: ReportQueue, max = 1000) => queue.peek(max).map((report) => report.seq);
const segmentFiles = () => readdirSync(dir).filter((file) => file.endsWith(".jsonl"));
const queueDiskBytes = () => segmentFiles().reduce((sum, file) => sum + statSync(path.join(dir, file)).size, 0);

describe("ReportQueue", () => {
  it("hands reports back oldest first, exactly as appended", () => {
    const queue = openQueue();
    const appended = [appendNext(queue), appendNext(queue), appendNext(queue), appendNext(queue)];
    const peeked = queue.peek(3);
    expect(peeked.map((report) => report.seq)).toEqual([1, 2, 3]);
    expect(peeked.map((report) => agentReportSchema.parse(JSON.parse(report.json)))).toEqual(appended.slice(0, 3));
    expect(queue.depth).toBe(4);
  });

  it("forgets acknowledged reports and keeps the rest", () => {
    const queue = openQueue();
    for (let i = 0; i < 5; i += 1) appendNext(queue);
    expect(queue.ack(2)).toBe(2);
    expect(seqs(queue)).toEqual([3, 4, 5]);
    expect(queue.depth).toBe(3);
    expect(queue.ack(2)).toBe(0);
  });

  it("reloads waiting reports after a restart, without the acknowledged ones", () => {
    const first = openQueue();
    for (let i = 0; i < 5; i += 1) appendNext(first);
    first.ack(2);
    first.close();

    const second = openQueue();
    expect(second.depth).toBe(3);
    expect(seqs(second)).toEqual([3, 4, 5]);
    // Past what the first reserved: a seq it handed out may have reached the control plane without a line on disk.
    expect(second.nextSeq()).toBe(SEQ_RESERVATION + 1);
  });

  it("keeps seq increasing across restarts even when everything was delivered", () => {
    const first = openQueue();
    for (let i = 0; i < 3; i += 1) appendNext(first);
    first.ack(3);
    first.close();
    for (const file of segmentFiles()) rmSync(path.join(dir, file));

    const second = openQueue();
    expect(second.depth).toBe(0);
    expect(second.nextSeq()).toBe(SEQ_RESERVATION + 1);
  });

  it("resumes above every seq it handed out when their lines never reached the disk (a machine crash)", () => {
    const first = openQueue();
    for (let i = 0; i < 3; i += 1) appendNext(first);
    expect(first.nextSeq()).toBe(4);
    // Lost with the page cache: the segments, never flushed while nothing waited for long.
    for (const file of segmentFiles()) rmSync(path.join(dir, file));

    const second = openQueue();
    expect(second.depth).toBe(0);
    expect(second.nextSeq()).toBe(SEQ_RESERVATION + 1);
  });

  it("reserves the next seqs durably once it has handed out those it reserved", () => {
    const queue = openQueue();
    for (let i = 0; i < SEQ_RESERVATION; i += 1) queue.nextSeq();
    expect(JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8"))).toEqual({ headSeq: 0, reservedSeq: SEQ_RESERVATION });
    expect(queue.nextSeq()).toBe(SEQ_RESERVATION + 1);
    expect(JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8"))).toEqual({ headSeq: 0, reservedSeq: 2 * SEQ_RESERVATION });
  });

  it("flushes no line while each report is delivered before the next, and every line once one waits", () => {
    const queue = openQueue();
    const first = appendNext(queue);
    queue.ack(first.seq);
    flushes.mockClear();
    for (let i = 0; i < 5; i += 1) queue.ack(appendNext(queue).seq);
    expect(flushes).not.toHaveBeenCalled();

    // The control plane stops answering: the second append finds the first still waiting.
    appendNext(queue);
    expect(flushes).not.toHaveBeenCalled();
    appendNext(queue);
    appendNext(queue);
    expect(flushes).toHaveBeenCalledTimes(2);
  });

  it("flushes the segment's last lines when it closes", () => {
    const queue = openQueue();
    appendNext(queue);
    flushes.mockClear();
    queue.close();
    expect(flushes).toHaveBeenCalledTimes(1);
  });

  it("never hands out a seq the control plane already holds", () => {
    const queue = openQueue();
    appendNext(queue);
    queue.ack(1000);
    expect(queue.nextSeq()).toBe(1001);
  });

  it("ignores and cuts off a torn last line left by a kill mid-write", () => {
    const first = openQueue();
    for (let i = 0; i < 3; i += 1) appendNext(first);
    first.close();
    const [segment] = segmentFiles();
    appendFileSync(path.join(dir, segment!), '{"seq":4,"observedAt":"2026-01-01T00:00:00.000Z","engine":"simul');

    const second = openQueue();
    expect(seqs(second)).toEqual([1, 2, 3]);
    appendNext(second);
    second.close();

    const third = openQueue();
    const reports = third.peek(10);
    expect(reports.map((report) => report.seq)).toEqual([1, 2, 3, SEQ_RESERVATION + 1]);
    for (const report of reports) expect(agentReportSchema.safeParse(JSON.parse(report.json)).success).toBe(true);
  });

  it("keeps the seq counter when the state file is lost", () => {
    const first = openQueue();
    for (let i = 0; i < 4; i += 1) appendNext(first);
    first.ack(2);
    first.close();
    rmSync(path.join(dir, "state.json"));

    const second = openQueue();
    expect(second.nextSeq()).toBe(5);
    // Without the head, acknowledged reports are sent again; the control plane's 409 sorts that out.
    expect(second.depth).toBe(4);
  });

  it("writes the head over in place after the first ack, and a queue opened after a kill reads it", () => {
    const queue = openQueue();
    for (let i = 0; i < 4; i += 1) appendNext(queue);
    queue.ack(1);
    const state = path.join(dir, "state.json");
    // A second name for the file: it sees the later heads only if they are written into this file, not renamed over it.
    linkSync(state, path.join(dir, "state-link"));
    const size = statSync(state).size;
    queue.ack(2);
    queue.ack(3);
    expect(JSON.parse(readFileSync(path.join(dir, "state-link"), "utf8"))).toEqual({ headSeq: 3, reservedSeq: SEQ_RESERVATION });
    expect(statSync(state).size).toBe(size);

    // Not closed: as after a kill.
    const reopened = openQueue();
    expect(seqs(reopened)).toEqual([4]);
    expect(reopened.nextSeq()).toBe(SEQ_RESERVATION + 1);
  });

  it("reads the head an agent of the earlier format left, and goes on from it", () => {
    const first = openQueue();
    for (let i = 0; i < 4; i += 1) appendNext(first);
    first.close();
    writeFileSync(path.join(dir, "state.json"), JSON.stringify({ headSeq: 2 }));

    const second = openQueue();
    expect(seqs(second)).toEqual([3, 4]);
    second.ack(3);
    second.close();
    expect(seqs(openQueue())).toEqual([4]);
  });

  it("drops the oldest reports when the bound is hit, and counts them", () => {
    const probe = openQueue();
    appendNext(probe);
    const lineBytes = probe.bytes;
    probe.ack(1);
    probe.close();

    const drops: number[] = [];
    const queue = openQueue({ maxBytes: lineBytes * 3 + lineBytes / 2, onDrop: (count) => drops.push(count) });
    for (let i = 0; i < 10; i += 1) appendNext(queue);
    const last = [8, 9, 10].map((n) => SEQ_RESERVATION + n);
    expect(seqs(queue)).toEqual(last);
    expect(queue.dropped).toBe(7);
    expect(drops.reduce((sum, count) => sum + count, 0)).toBe(7);
    queue.close();

    const reopened = openQueue({ maxBytes: lineBytes * 3 + lineBytes / 2 });
    expect(seqs(reopened)).toEqual(last);
    expect(reopened.dropped).toBe(0);
  });

  it("rolls segments and deletes them once delivered, so the disk stays bounded", () => {
    const queue = openQueue({ maxBytes: 64 * 1024, segmentBytes: 4096 });
    for (let i = 0; i < 150; i += 1) appendNext(queue);
    expect(segmentFiles().length).toBeGreaterThan(3);
    expect(queueDiskBytes()).toBeLessThanOrEqual(64 * 1024 + 4096 + 2048);
    expect(queue.dropped).toBeGreaterThan(0);

    const waiting = seqs(queue);
    queue.ack(waiting.at(-1)!);
    expect(queue.depth).toBe(0);
    expect(segmentFiles().length).toBeLessThanOrEqual(1);
  });

  it("drops a damaged line at read time, counted, and delivers the others", () => {
    const first = openQueue();
    for (let i = 0; i < 3; i += 1) appendNext(first);
    first.close();
    const file = path.join(dir, segmentFiles()[0]!);
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = `${lines[1]!.slice(0, 20)}${"#".repeat(lines[1]!.length - 20)}`;
    writeFileSync(file, lines.join("\n"));

    const second = openQueue();
    expect(seqs(second)).toEqual([1, 3]);
    expect(second.dropped).toBe(1);
    expect(second.depth).toBe(2);
  });

  it("hands the one waiting report back as appended, without reading it from disk", () => {
    const queue = openQueue();
    const report = appendNext(queue);
    const file = path.join(dir, segmentFiles()[0]!);
    // Overwritten on disk behind the queue's back: what comes back is what was appended, not what a read would find.
    writeFileSync(file, "#".repeat(statSync(file).size));
    const [peeked] = queue.peek(10);
    expect(agentReportSchema.parse(JSON.parse(peeked!.json))).toEqual(report);
    expect(queue.dropped).toBe(0);
  });

  it("refuses an append that does not follow the last seq", () => {
    const queue = openQueue();
    const report = appendNext(queue);
    expect(() => queue.append(report)).toThrow(/does not follow/);
  });
});
