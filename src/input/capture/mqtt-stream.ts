/**
 * One direction of an MQTT conversation, from reassembled TCP (or WebSocket) bytes to packets.
 * Packets are cut by their fixed header's remaining length and decoded by the codec; a packet
 * takes the time and frame of the segment that completed it, as Wireshark reports it.
 *
 * When the stream does not start at its beginning (the capture joined the connection late, or a
 * gap swallowed bytes) the decoder resynchronises: it looks for the first offset at which the
 * bytes decode as an MQTT packet followed by another one, and reports the bytes it skipped.
 */
import { decodePacket, MalformedPacketError, PACKET_TYPE_NAMES, type Packet, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { ByteQueue } from './byte-queue.ts';
import type { Timestamp } from './frames.ts';

export type Direction = 'client-to-broker' | 'broker-to-client';

/**
 * A packet that breaks a rule: where, which field, which rule, and the codec's explanation as the
 * codec gives it (views render it in the reader's language); `message` is the error's own text.
 */
export interface PacketError { offset: number; field: string; rule: string; explanation: MalformedPacketError['explanation']; message: string }

export interface StreamPacket {
  direction: Direction;
  time: Timestamp;
  /** Frame number (1-based, as in Wireshark) of the segment that completed the packet. */
  frame: number;
  /** Offset of the packet's first byte in this direction's MQTT byte stream. */
  streamOffset: number;
  bytes: Uint8Array;
  type: string | null;
  remainingLength: number;
  packet: Packet | null;
  error: PacketError | null;
  /** Set when the protocol version was guessed (no CONNECT seen): the one that decoded it. */
  protocolVersion: ProtocolVersion;
}

export interface StreamEvent {
  kind: 'gap' | 'skipped' | 'truncated' | 'websocket-close' | 'lost-sync';
  direction: Direction;
  time: Timestamp;
  frame: number;
  /** Bytes missing (gap), passed over while resynchronising (skipped), or of an unfinished packet (truncated). */
  bytes: number;
  streamOffset: number;
}

/** What the two directions of one connection share: the version a CONNECT announced. */
export interface ConversationState {
  version: ProtocolVersion | null;
  packet(p: StreamPacket): void;
  event(e: StreamEvent): void;
}

/** Candidates claiming more than this are not believed while resynchronising. */
const SYNC_MAX_PACKET = 64 * 1024 * 1024;

export class MqttStream {
  private queue = new ByteQueue();
  private mode: 'decode' | 'sync';
  /** Offset in the stream of the queue's first byte. */
  private base = 0;
  private scanFrom = 0;

  private readonly direction: Direction;
  private readonly state: ConversationState;

  constructor(direction: Direction, state: ConversationState, fromStart: boolean) {
    this.direction = direction;
    this.state = state;
    this.mode = fromStart ? 'decode' : 'sync';
  }

  get synchronised(): boolean {
    return this.mode === 'decode';
  }

  push(bytes: Uint8Array, time: Timestamp, frame: number): void {
    this.queue.push(bytes, time, frame);
    this.run(false);
  }

  gap(length: number, time: Timestamp, frame: number): void {
    this.flushPartial(time, frame);
    this.state.event({ kind: 'gap', direction: this.direction, time, frame, bytes: length, streamOffset: this.base });
    this.base += length;
    this.mode = 'sync';
    this.scanFrom = 0;
  }

  finish(time: Timestamp, frame: number): void {
    this.run(true);
    this.flushPartial(time, frame);
  }

  /** Bytes left over (an unfinished packet, or bytes never synchronised) are reported, not dropped silently. */
  private flushPartial(_time: Timestamp, _frame: number): void {
    if (this.queue.length === 0) return;
    if (this.mode === 'sync') this.run(true);
    if (this.queue.length === 0) return;
    const at = this.queue.chunkAt(this.queue.length - 1);
    this.state.event({ kind: this.mode === 'sync' ? 'skipped' : 'truncated', direction: this.direction, time: at.time, frame: at.frame, bytes: this.queue.length, streamOffset: this.base });
    this.base += this.queue.length;
    this.queue.clear();
    this.scanFrom = 0;
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.mode === 'sync' && !this.resync(final)) return;
      if (!this.decodeNext()) return;
    }
  }

  /** Decodes the packet at the head of the queue if it is all there. False when it must wait. */
  private decodeNext(): boolean {
    const h = header(this.queue, 0);
    if (h === 'need') return false;
    if (h === 'bad') {
      this.mode = 'sync';
      this.scanFrom = 0;
      this.state.event({ kind: 'lost-sync', direction: this.direction, ...this.queue.chunkAt(0), bytes: 0, streamOffset: this.base });
      return true;
    }
    const total = h.headerLength + h.remainingLength;
    if (this.queue.length < total) return false;
    const bytes = this.queue.read(0, total);
    const at = this.queue.chunkAt(total - 1);
    this.emit(bytes, h.remainingLength, at.time, at.frame);
    this.queue.drop(total);
    this.base += total;
    return true;
  }

  private emit(bytes: Uint8Array, remainingLength: number, time: Timestamp, frame: number): void {
    const versions: ProtocolVersion[] = this.state.version !== null ? [this.state.version] : [4, 5];
    let firstError: MalformedPacketError | null = null;
    let packet: Packet | null = null;
    let version = versions[0]!;
    for (const v of versions) {
      try {
        packet = decodePacket(bytes, { protocolVersion: v }).packet;
        version = v;
        break;
      } catch (error) {
        if (!(error instanceof MalformedPacketError)) throw error;
        firstError ??= error;
      }
    }
    if (packet?.type === 'CONNECT') {
      this.state.version = packet.protocolLevel;
      version = packet.protocolLevel;
    }
    this.state.packet({
      direction: this.direction, time, frame, streamOffset: this.base, bytes,
      type: PACKET_TYPE_NAMES[bytes[0]! >> 4] ?? null, remainingLength, packet, protocolVersion: version,
      error: packet === null && firstError !== null ? { offset: firstError.offset, field: firstError.field, rule: firstError.rule, explanation: firstError.explanation, message: firstError.message } : null,
    });
  }

  /** Finds where packets start. True once synchronised (the skipped bytes are reported). */
  private resync(final: boolean): boolean {
    const n = this.queue.length;
    for (let i = this.scanFrom; i < n; i++) {
      const verdict = this.candidate(i, final);
      if (verdict === 'reject') continue;
      if (verdict === 'need') {
        this.scanFrom = i;
        return false;
      }
      if (i > 0) {
        const at = this.queue.chunkAt(i - 1);
        this.state.event({ kind: 'skipped', direction: this.direction, time: at.time, frame: at.frame, bytes: i, streamOffset: this.base });
        this.queue.drop(i);
        this.base += i;
      }
      this.mode = 'decode';
      this.scanFrom = 0;
      return true;
    }
    this.scanFrom = n;
    return false;
  }

  /** Whether offset `i` starts a packet that decodes and is followed by one that does too. */
  private candidate(i: number, final: boolean): 'accept' | 'reject' | 'need' {
    const first = this.plausible(i, final);
    if (first === 'reject' || first === 'need') return first;
    const next = i + first;
    if (next === this.queue.length) return final ? 'accept' : 'need';
    const second = this.plausible(next, final);
    if (second === 'need') return final ? 'accept' : 'need';
    return second === 'reject' ? 'reject' : 'accept';
  }

  /** The length of a whole, decodable packet at `i`, or why not. */
  private plausible(i: number, final: boolean): number | 'reject' | 'need' {
    const h = header(this.queue, i);
    if (h === 'bad') return 'reject';
    if (h === 'need') return final ? 'reject' : 'need';
    const total = h.headerLength + h.remainingLength;
    if (total > SYNC_MAX_PACKET) return 'reject';
    if (i + total > this.queue.length) return final ? 'reject' : 'need';
    const bytes = this.queue.read(i, total);
    const versions: ProtocolVersion[] = this.state.version !== null ? [this.state.version] : [4, 5];
    for (const v of versions) {
      try {
        decodePacket(bytes, { protocolVersion: v });
        return total;
      } catch (error) {
        if (!(error instanceof MalformedPacketError)) throw error;
      }
    }
    return 'reject';
  }
}

interface Header { headerLength: number; remainingLength: number }

/**
 * The fixed header at `at`: type, flags that the type allows (MQTT-2.2.2-1/-2), and a remaining
 * length of at most four bytes. 'bad' when it cannot start a packet.
 */
function header(q: ByteQueue, at: number): Header | 'need' | 'bad' {
  if (at >= q.length) return 'need';
  const first = q.byteAt(at);
  const type = first >> 4;
  const flags = first & 0x0f;
  if (type === 0) return 'bad';
  if (type === 3) {
    if ((flags & 0x06) === 0x06) return 'bad'; // QoS 3 (MQTT-3.3.1-4)
  } else if (type === 6 || type === 8 || type === 10) {
    if (flags !== 0x02) return 'bad';
  } else if (flags !== 0) return 'bad';
  let value = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4; i++) {
    if (at + i >= q.length) return 'need';
    const b = q.byteAt(at + i);
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { headerLength: 1 + i, remainingLength: value };
    multiplier *= 128;
  }
  return 'bad';
}

/** Whether bytes at the very start of a stream look like MQTT (a CONNECT or CONNACK, or any packet that decodes). */
export function looksLikeMqttStart(bytes: Uint8Array): boolean | 'need' {
  const q = new ByteQueue();
  q.push(bytes, { sec: 0, nsec: 0 }, 0);
  const h = header(q, 0);
  if (h === 'bad') return false;
  if (h === 'need') return 'need';
  const type = bytes[0]! >> 4;
  if (type === 1) {
    // CONNECT: the protocol name MQTT (3.1.1, 5.0) or MQIsdp (3.1) follows the header (MQTT-3.1.2-1).
    const at = h.headerLength;
    if (bytes.length < at + 8) return 'need';
    const name = String.fromCharCode(...bytes.subarray(at + 2, at + 2 + Math.min(6, (bytes[at]! << 8) | bytes[at + 1]!)));
    return name === 'MQTT' || name === 'MQIsdp';
  }
  if (type === 2) return h.remainingLength >= 2 && h.remainingLength < 1 << 20;
  return false;
}
