import { InvalidPacketError } from './errors.ts';
import { utf8Rule } from './binary-reader.ts';
import type { ProtocolVersion } from './types.ts';

const encoder = new TextEncoder();

/**
 * Writes MQTT wire types. Constructed without a buffer it only measures: the generator runs each
 * packet body once to learn its size (the remaining length must precede it) and once to write,
 * so the two can never disagree.
 */
export class BinaryWriter {
  readonly buf: Uint8Array | null;
  pos: number;
  readonly version: ProtocolVersion;

  constructor(buf: Uint8Array | null, pos: number, version: ProtocolVersion) {
    this.buf = buf;
    this.pos = pos;
    this.version = version;
  }

  byte(value: number): void {
    if (this.buf !== null) this.buf[this.pos] = value;
    this.pos += 1;
  }

  uint16(value: number): void {
    if (this.buf !== null) {
      this.buf[this.pos] = value >>> 8;
      this.buf[this.pos + 1] = value & 0xff;
    }
    this.pos += 2;
  }

  uint32(value: number): void {
    if (this.buf !== null) {
      const b = this.buf;
      const p = this.pos;
      b[p] = value >>> 24;
      b[p + 1] = (value >>> 16) & 0xff;
      b[p + 2] = (value >>> 8) & 0xff;
      b[p + 3] = value & 0xff;
    }
    this.pos += 4;
  }

  varInt(value: number): void {
    let rest = value;
    do {
      let group = rest % 128;
      rest = Math.floor(rest / 128);
      if (rest > 0) group |= 0x80;
      if (this.buf !== null) this.buf[this.pos] = group;
      this.pos += 1;
    } while (rest > 0);
  }

  /** A UTF-8 Encoded String. Validates in the measuring pass, so nothing ill-formed is written. */
  utf8(text: string, field: string): void {
    if (this.buf === null) {
      this.pos += 2 + utf8Length(text, field, this.version);
      return;
    }
    const b = this.buf;
    const start = this.pos + 2;
    let p = start;
    const n = text.length;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i < n) p += encoder.encodeInto(text.slice(i), b.subarray(p)).written;
    const length = p - start;
    b[this.pos] = length >>> 8;
    b[this.pos + 1] = length & 0xff;
    this.pos = p;
  }

  /** Binary Data: two-byte length, then the bytes. */
  binary(bytes: Uint8Array, field: string): void {
    if (bytes.length > 0xffff) {
      throw new InvalidPacketError(field, this.version === 5 ? 'MQTT-5.0 §1.5.6' : 'MQTT-3.1.1 §1.5.3', { key: 'codec.w.binaryTooLong', values: { field, bytes: bytes.length } });
    }
    this.uint16(bytes.length);
    this.raw(bytes);
  }

  raw(bytes: Uint8Array): void {
    if (this.buf !== null) this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

/**
 * The UTF-8 byte length of `text`, refusing what MQTT strings may not contain: lone surrogates
 * (MQTT-1.5.3-1 / MQTT-1.5.4-1), U+0000 (MQTT-1.5.3-2 / MQTT-1.5.4-2) and more than 65 535 bytes.
 */
export function utf8Length(text: string, field: string, version: ProtocolVersion): number {
  let bytes = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) throw new InvalidPacketError(field, utf8Rule(version, 'null'), { key: 'codec.w.nullChar', values: { field, at: i + 1 } });
      bytes += 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) {
        throw new InvalidPacketError(field, utf8Rule(version, 'well-formed'), { key: 'codec.w.loneSurrogate', values: { field, code: `U+${c.toString(16).toUpperCase()}`, at: i + 1 } });
      }
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }
  if (bytes > 0xffff) {
    throw new InvalidPacketError(field, version === 5 ? 'MQTT-5.0 §1.5.4' : 'MQTT-3.1.1 §1.5.3', { key: 'codec.w.stringTooLong', values: { field, bytes } });
  }
  return bytes;
}
