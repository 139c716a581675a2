/**
 * One direction of a TCP connection put back in order by sequence number: retransmitted and
 * duplicate bytes are dropped, segments that arrive early wait for the bytes before them, and a
 * hole that never fills is reported as a gap of so many bytes — the bytes on either side are
 * never joined as if they were adjacent.
 */
import type { Timestamp } from './frames.ts';

export interface StreamSink {
  data(bytes: Uint8Array, time: Timestamp, frame: number): void;
  /** `length` bytes were never captured; what follows does not continue what came before. */
  gap(length: number, time: Timestamp, frame: number): void;
}

interface Pending { seq: number; bytes: Uint8Array; time: Timestamp; frame: number }

/** Waiting segments beyond which a hole is taken as lost rather than late. */
const MAX_PENDING_SEGMENTS = 512;
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/** a − b in sequence space (RFC 793 arithmetic, modulo 2^32), as a signed 32-bit number. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class DirectionReassembler {
  /** Sequence number of the next byte expected; null until the SYN or the first data is seen. */
  private next: number | null = null;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  /** Whether the stream is followed from its SYN (false: the capture joined it midway). */
  sawSyn = false;
  retransmittedBytes = 0;
  outOfOrderSegments = 0;
  gaps = 0;
  gapBytes = 0;
  delivered = 0;
  closed = false;

  private readonly sink: StreamSink;

  constructor(sink: StreamSink) {
    this.sink = sink;
  }

  syn(seq: number): void {
    this.sawSyn = true;
    this.next = (seq + 1) >>> 0;
  }

  segment(seq: number, payload: Uint8Array, time: Timestamp, frame: number): void {
    if (payload.length === 0) return;
    if (this.next === null) this.next = seq;
    const offset = seqDiff(seq, this.next);
    if (offset + payload.length <= 0) {
      this.retransmittedBytes += payload.length;
      return;
    }
    if (offset < 0) {
      // Overlaps what we already have: keep only the new tail.
      this.retransmittedBytes += -offset;
      this.deliver(payload.subarray(-offset), time, frame);
      this.drain();
      return;
    }
    if (offset === 0) {
      this.deliver(payload, time, frame);
      this.drain();
      return;
    }
    this.outOfOrderSegments++;
    if (this.pending.some((p) => p.seq === seq && p.bytes.length >= payload.length)) {
      this.retransmittedBytes += payload.length;
      return;
    }
    this.pending.push({ seq, bytes: payload, time, frame });
    this.pendingBytes += payload.length;
    if (this.pending.length > MAX_PENDING_SEGMENTS || this.pendingBytes > MAX_PENDING_BYTES) this.skipHole();
  }

  /** The end of the capture or the connection: whatever still waits follows a hole. */
  finish(): void {
    while (this.pending.length > 0) this.skipHole();
  }

  private deliver(bytes: Uint8Array, time: Timestamp, frame: number): void {
    this.next = (this.next! + bytes.length) >>> 0;
    this.delivered += bytes.length;
    this.sink.data(bytes, time, frame);
  }

  /** Delivers waiting segments that now continue the stream, dropping ones already covered. */
  private drain(): void {
    let progressed = true;
    while (progressed && this.pending.length > 0) {
      progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        const offset = seqDiff(p.seq, this.next!);
        if (offset > 0) continue;
        this.pending.splice(i, 1);
        this.pendingBytes -= p.bytes.length;
        if (offset + p.bytes.length <= 0) this.retransmittedBytes += p.bytes.length;
        else {
          this.retransmittedBytes += -offset;
          this.deliver(p.bytes.subarray(-offset), p.time, p.frame);
        }
        progressed = true;
        break;
      }
    }
  }

  /** Gives up on the earliest hole: reports it and carries on from the first waiting segment. */
  private skipHole(): void {
    let first = this.pending[0]!;
    for (const p of this.pending) if (seqDiff(p.seq, first.seq) < 0) first = p;
    const length = seqDiff(first.seq, this.next!);
    this.gaps++;
    this.gapBytes += length;
    this.sink.gap(length, first.time, first.frame);
    this.next = first.seq;
    this.drain();
  }
}
