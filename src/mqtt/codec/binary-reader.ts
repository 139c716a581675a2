import { IncompletePacketError, MalformedPacketError } from './errors.ts';
import type { BitField, CodecMessage, FieldSpan, ProtocolVersion } from './types.ts';

/** A field's name: a catalogue key ('codec.f.topic'), or a key with values. */
export type Label = string | CodecMessage;
const asMessage = (label: Label): CodecMessage => (typeof label === 'string' ? { key: label } : label);
/** A label as a value inside another message (the views render keys found in values). */
const asValue = (label: Label): string => (typeof label === 'string' ? label : label.key);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i]!];
  return out;
}

/** Rule ids that differ only by chapter numbering between 3.1.1 and 5.0. */
export function utf8Rule(version: ProtocolVersion, kind: 'well-formed' | 'null'): string {
  if (version === 5) return kind === 'null' ? 'MQTT-1.5.4-2' : 'MQTT-1.5.4-1';
  return kind === 'null' ? 'MQTT-1.5.3-2' : 'MQTT-1.5.3-1';
}

/**
 * Reads the MQTT wire types out of one packet's bytes, named by wire type as protobuf-es's
 * BinaryReader is. `end` is where the packet ends according to its remaining length: a field that
 * runs past it is malformed (the remaining length disagrees with the contents), not incomplete.
 * When `spans` is an array, every read records the bytes it consumed.
 */
export class BinaryReader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  readonly version: ProtocolVersion;
  readonly spans: FieldSpan[] | null;

  constructor(bytes: Uint8Array, pos: number, end: number, version: ProtocolVersion, spans: FieldSpan[] | null) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.version = version;
    this.spans = spans;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  malformed(offset: number, field: string, rule: string, explanation: CodecMessage): MalformedPacketError {
    return new MalformedPacketError(offset, field, rule, explanation);
  }

  /** A field needs `size` bytes but the packet (per its remaining length) has fewer left. */
  private need(size: number, field: string, label: Label): void {
    if (this.pos + size > this.end) {
      throw this.malformed(
        this.pos, field,
        this.version === 5 ? 'MQTT-5.0 §2.1.4' : 'MQTT-3.1.1 §2.2.3',
        { key: 'codec.e.needBytes', values: { field: asValue(label), size, left: this.end - this.pos } },
      );
    }
  }

  span(offset: number, length: number, path: string, label: Label, value: FieldSpan['value'], bits?: BitField[]): void {
    if (this.spans === null) return;
    const span: FieldSpan = { offset, length, path, label: asMessage(label), value };
    if (bits !== undefined) span.bits = bits;
    this.spans.push(span);
  }

  byte(path: string, label: Label): number {
    this.need(1, path, label);
    const value = this.bytes[this.pos]!;
    if (this.spans !== null) this.span(this.pos, 1, path, label, value);
    this.pos += 1;
    return value;
  }

  /** A flag byte; the caller describes its bits once it knows what they mean. */
  flagByte(path: string, label: Label): number {
    this.need(1, path, label);
    const value = this.bytes[this.pos]!;
    this.pos += 1;
    return value;
  }

  uint16(path: string, label: Label): number {
    this.need(2, path, label);
    const b = this.bytes;
    const value = (b[this.pos]! << 8) | b[this.pos + 1]!;
    if (this.spans !== null) this.span(this.pos, 2, path, label, value);
    this.pos += 2;
    return value;
  }

  uint32(path: string, label: Label): number {
    this.need(4, path, label);
    const b = this.bytes;
    const p = this.pos;
    const value = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    if (this.spans !== null) this.span(p, 4, path, label, value);
    this.pos += 4;
    return value;
  }

  /** A Variable Byte Integer inside the packet (property length, subscription identifier). */
  varInt(path: string, label: Label): number {
    const start = this.pos;
    let value = 0;
    let multiplier = 1;
    for (let i = 0; ; i++) {
      if (i === 4) {
        throw this.malformed(start, path, this.version === 5 ? 'MQTT-5.0 §1.5.5' : 'MQTT-3.1.1 §2.2.3',
          { key: 'codec.e.vbiTooLong', values: { field: asValue(label) } });
      }
      this.need(1, path, label);
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) {
          throw this.malformed(start, path, 'MQTT-1.5.5-1',
            { key: 'codec.e.vbiNotMinimal', values: { field: asValue(label), bytes: i + 1 } });
        }
        break;
      }
      multiplier *= 128;
    }
    if (this.spans !== null) this.span(start, this.pos - start, path, label, value);
    return value;
  }

  /** A UTF-8 Encoded String: two-byte length, then that many bytes of well-formed UTF-8. */
  utf8(path: string, label: Label): string {
    const length = this.uint16(`${path}.length`, { key: 'codec.f.lengthOf', values: { field: asValue(label) } });
    this.need(length, path, label);
    const start = this.pos;
    const value = decodeUtf8(this.bytes, start, start + length, this.version, path, label);
    if (this.spans !== null) this.span(start, length, path, label, value);
    this.pos += length;
    return value;
  }

  /** Binary Data: two-byte length, then that many bytes. Returns a view, not a copy. */
  binary(path: string, label: Label): Uint8Array {
    const length = this.uint16(`${path}.length`, { key: 'codec.f.lengthOf', values: { field: asValue(label) } });
    this.need(length, path, label);
    const start = this.pos;
    const value = this.bytes.subarray(start, start + length);
    if (this.spans !== null) this.span(start, length, path, label, bytesToHex(value));
    this.pos += length;
    return value;
  }

  /** The rest of the packet, as a view. */
  rest(path: string, label: Label): Uint8Array {
    const start = this.pos;
    const value = this.bytes.subarray(start, this.end);
    if (this.spans !== null) this.span(start, this.end - start, path, label, spanPreview(value));
    this.pos = this.end;
    return value;
  }
}

/** Payloads can be megabytes: the span keeps a short hex preview, the packet keeps the bytes. */
function spanPreview(bytes: Uint8Array): string {
  if (bytes.length <= 64) return bytesToHex(bytes);
  return `${bytesToHex(bytes, 0, 64)}… (${bytes.length} bytes)`;
}

/**
 * Decodes and validates UTF-8 (MQTT-1.5.3-1/-2, MQTT-1.5.4-1/-2). Short ASCII strings, by far the
 * common case for topics and client ids, take a loop that allocates nothing but the string.
 * A leading U+FEFF is kept, never stripped (MQTT-1.5.3-3 / MQTT-1.5.4-3).
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number, version: ProtocolVersion, path: string, label: Label): string {
  if (end - start <= 64) {
    let ascii = '';
    let i = start;
    for (; i < end; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) break;
      if (c === 0) throw nullCharacter(i, version, path, label);
      ascii += String.fromCharCode(c);
    }
    if (i === end) return ascii;
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes.subarray(start, end));
  } catch {
    const bad = firstInvalidUtf8(bytes, start, end);
    throw new MalformedPacketError(bad, path, utf8Rule(version, 'well-formed'),
      { key: 'codec.e.badUtf8', values: { field: asValue(label), hex: `0x${HEX[bytes[bad]!]}` } });
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    // Find the byte offset of the NUL: it is a single 0x00 byte, never part of a multi-byte sequence.
    let at = start;
    while (bytes[at] !== 0) at++;
    throw nullCharacter(at, version, path, label);
  }
  return text;
}

function nullCharacter(offset: number, version: ProtocolVersion, path: string, label: Label): MalformedPacketError {
  return new MalformedPacketError(offset, path, utf8Rule(version, 'null'), { key: 'codec.e.nullChar', values: { field: asValue(label) } });
}

/** The offset of the first byte that starts an ill-formed sequence (RFC 3629, surrogates excluded). */
export function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; cp = b & 0x0f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; cp = b & 0x07; }
    else return i;
    if (i + need >= end) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c! & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return start;
}
