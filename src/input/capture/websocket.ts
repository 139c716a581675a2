/**
 * MQTT over WebSocket (MQTT 3.1.1 §6, 5.0 §6): an HTTP/1.1 upgrade naming the `mqtt`
 * subprotocol, then RFC 6455 frames. Client frames are masked (RFC 6455 §5.3) and unmasked here;
 * the MQTT byte stream is the concatenation of data frame payloads, so one packet may span
 * several frames (continuation frames or not) and one frame may carry several packets.
 */
import { ByteQueue } from './byte-queue.ts';
import type { Timestamp } from './frames.ts';
import type { MqttStream } from './mqtt-stream.ts';

export interface HttpHead {
  /** "GET /mqtt HTTP/1.1" or "HTTP/1.1 101 Switching Protocols". */
  startLine: string;
  headers: Map<string, string>;
  /** Bytes of the head including the blank line. */
  length: number;
}

const MAX_HEAD = 16 * 1024;

/** The HTTP head at the start of `bytes`; 'need' until its blank line arrives, null if it is not one. */
export function readHttpHead(bytes: Uint8Array): HttpHead | 'need' | null {
  const limit = Math.min(bytes.length, MAX_HEAD);
  for (let i = 3; i < limit; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      const text = new TextDecoder('latin1').decode(bytes.subarray(0, i - 3));
      const lines = text.split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return { startLine: lines[0] ?? '', headers, length: i + 1 };
    }
  }
  return bytes.length >= MAX_HEAD ? null : 'need';
}

export function startsLikeHttp(bytes: Uint8Array): boolean | 'need' {
  const probe = ['GET ', 'HTTP/'];
  for (const p of probe) {
    let match = true;
    for (let i = 0; i < Math.min(p.length, bytes.length); i++) if (bytes[i] !== p.charCodeAt(i)) { match = false; break; }
    if (match) return bytes.length >= p.length ? true : 'need';
  }
  return false;
}

/** Whether a Sec-WebSocket-Protocol value names MQTT (`mqtt`, or `mqttv3.1` for 3.1). */
export function namesMqtt(value: string | undefined): boolean {
  return value !== undefined && value.split(',').some((p) => /^mqtt(v3\.1)?$/i.test(p.trim()));
}

export class WebSocketFrames {
  private queue = new ByteQueue();
  frames = 0;
  controlFrames = 0;
  closed = false;

  private readonly mqtt: MqttStream;
  private readonly onClose: (time: Timestamp, frame: number) => void;

  constructor(mqtt: MqttStream, onClose: (time: Timestamp, frame: number) => void) {
    this.mqtt = mqtt;
    this.onClose = onClose;
  }

  push(bytes: Uint8Array, time: Timestamp, frame: number): void {
    this.queue.push(bytes, time, frame);
    for (;;) {
      const q = this.queue;
      if (q.length < 2) return;
      const b0 = q.byteAt(0);
      const b1 = q.byteAt(1);
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let length = b1 & 0x7f;
      let at = 2;
      if (length === 126) {
        if (q.length < 4) return;
        length = (q.byteAt(2) << 8) | q.byteAt(3);
        at = 4;
      } else if (length === 127) {
        if (q.length < 10) return;
        length = 0;
        for (let i = 2; i < 10; i++) length = length * 256 + q.byteAt(i);
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (q.length < at + length) return;
      const end = q.chunkAt(at + length - 1 < at ? at - 1 : at + length - 1);
      let payload = q.read(at, length);
      if (masked) {
        const key = q.read(maskAt, 4);
        const out = new Uint8Array(length);
        for (let i = 0; i < length; i++) out[i] = payload[i]! ^ key[i & 3]!;
        payload = out;
      }
      q.drop(at + length);
      this.frames++;
      if (opcode === 0 || opcode === 1 || opcode === 2) this.mqtt.push(payload, end.time, end.frame);
      else {
        this.controlFrames++;
        if (opcode === 8) {
          this.closed = true;
          this.onClose(end.time, end.frame);
        }
      }
    }
  }
}

/** Data frames that can carry MQTT (continuation, binary; MQTT is never sent in text frames, MQTT-6.0.0-1) and control frames. */
const FRAME_OPCODES = new Set([0x0, 0x2, 0x8, 0x9, 0xa]);
/** A frame claiming more than this is not believed while looking for a frame boundary. */
const SYNC_MAX_FRAME = 1024 * 1024;

/**
 * Where RFC 6455 frames start in bytes taken from the middle of a WebSocket connection (the capture
 * joined it after the HTTP upgrade): the first offset from which plausible frames follow one another
 * up to the end of the bytes, at least two of them complete (the last may be unfinished), or, at
 * offset 0, one binary frame ending exactly at the end. Plausible: RSV bits clear (no extension is
 * negotiated for MQTT), a binary, continuation or control opcode (MQTT never uses text frames), the
 * minimal length encoding, control frames unfragmented and at most 125 bytes (RFC 6455 §5.5), a
 * continuation only after an unfinished data frame, and one mask bit throughout (a client masks
 * every frame, a server none, §5.1). `final`: no more bytes will come, so one complete frame ending
 * exactly at the end will do anywhere. Never "wait and see": the caller holds bytes and asks again.
 */
export function webSocketSyncPoint(bytes: Uint8Array, final: boolean): { offset: number; masked: boolean } | null {
  const limit = Math.min(bytes.length, 64 * 1024);
  for (let start = 0; start < limit; start++) {
    const masked = chainFrom(bytes, start, final);
    if (masked !== null) return { offset: start, masked };
  }
  return null;
}

/** The frames' mask bit when a plausible chain of frames runs from `start` to the end, else null. */
function chainFrom(bytes: Uint8Array, start: number, final: boolean): boolean | null {
  let at = start;
  let complete = 0;
  let masked: boolean | null = null;
  let inMessage = false;
  let firstBinary = false;
  // Out of bytes inside a frame (or its header): enough if two frames were already complete.
  const unfinished = () => (complete >= 2 ? masked : null);
  while (at < bytes.length) {
    if (bytes.length - at < 2) return unfinished();
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const mask = (b1 & 0x80) !== 0;
    if ((b0 & 0x70) !== 0 || !FRAME_OPCODES.has(opcode)) return null;
    if (masked !== null && mask !== masked) return null;
    const control = opcode >= 0x8;
    if (control && !fin) return null;
    if (opcode === 0 && !inMessage) return null;
    if (opcode === 2 && inMessage) return null;
    let length = b1 & 0x7f;
    let header = 2;
    if (control && length > 125) return null;
    if (length === 126) {
      if (bytes.length - at < 4) return unfinished();
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      if (length < 126) return null;
      header = 4;
    } else if (length === 127) {
      if (bytes.length - at < 10) return unfinished();
      if (bytes[at + 2]! !== 0 || bytes[at + 3]! !== 0 || bytes[at + 4]! !== 0) return null;
      length = 0;
      for (let i = 2; i < 10; i++) length = length * 256 + bytes[at + i]!;
      if (length < 65536) return null;
      header = 10;
    }
    if (length > SYNC_MAX_FRAME) return null;
    masked = mask;
    if (complete === 0) firstBinary = opcode === 2;
    const end = at + header + (mask ? 4 : 0) + length;
    if (end > bytes.length) return unfinished();
    if (!control) inMessage = !fin;
    complete++;
    at = end;
  }
  if (complete >= 2) return masked;
  return complete === 1 && (final || (start === 0 && firstBinary)) ? masked : null;
}
