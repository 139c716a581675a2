/**
 * Bytes received in chunks, read without gluing them together until a whole unit (an MQTT packet,
 * a WebSocket frame) is there: a 1 MB PUBLISH over 700 segments is copied once, not 700 times.
 */
import type { Timestamp } from './frames.ts';

interface Chunk { bytes: Uint8Array; time: Timestamp; frame: number }

export class ByteQueue {
  private chunks: Chunk[] = [];
  private head = 0; // bytes already consumed from chunks[0]
  length = 0;

  push(bytes: Uint8Array, time: Timestamp, frame: number): void {
    if (bytes.length === 0) return;
    this.chunks.push({ bytes, time, frame });
    this.length += bytes.length;
  }

  byteAt(index: number): number {
    let i = index + this.head;
    for (const c of this.chunks) {
      if (i < c.bytes.length) return c.bytes[i]!;
      i -= c.bytes.length;
    }
    throw new RangeError(`byte ${index} is beyond the ${this.length} queued`);
  }

  /** Copies `length` bytes from `from` (a view, not a copy, when they lie in one chunk). */
  read(from: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    let i = from + this.head;
    let k = 0;
    while (k < this.chunks.length && i >= this.chunks[k]!.bytes.length) { i -= this.chunks[k]!.bytes.length; k++; }
    const first = this.chunks[k]!.bytes;
    if (i + length <= first.length) return first.subarray(i, i + length);
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const c = this.chunks[k++]!.bytes;
      const take = Math.min(length - filled, c.length - i);
      out.set(c.subarray(i, i + take), filled);
      filled += take;
      i = 0;
    }
    return out;
  }

  /** The chunk that holds byte `index`: its time and frame are when that byte was captured. */
  chunkAt(index: number): { time: Timestamp; frame: number } {
    let i = index + this.head;
    for (const c of this.chunks) {
      if (i < c.bytes.length) return c;
      i -= c.bytes.length;
    }
    return this.chunks[this.chunks.length - 1]!;
  }

  drop(count: number): void {
    this.length -= count;
    let n = count + this.head;
    while (this.chunks.length > 0 && n >= this.chunks[0]!.bytes.length) {
      n -= this.chunks[0]!.bytes.length;
      this.chunks.shift();
    }
    this.head = this.chunks.length > 0 ? n : 0;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
  }
}
