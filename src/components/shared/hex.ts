/**
 * Hex formatting every widget needs: a byte as two digits, `0x1f`, a spaced run of bytes, a
 * preview cut at N bytes, the offset column of a hex grid. One table, built once.
 */
import { toHex } from '../../mqtt/hex-input.ts';
import { formatNumber } from '../i18n/format.ts';

/** '00' … 'ff', indexed by byte value. */
export const HEX_BYTE: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A byte as two lower-case digits: 31 → '1f'. */
export const hexByte = (byte: number): string => HEX_BYTE[byte & 0xff]!;

/** A byte (or a code) as C/Wireshark write it: 31 → '0x1f'. Values above 0xff keep all digits. */
export const hex0x = (value: number): string => (value >= 0 && value <= 0xff ? `0x${HEX_BYTE[value]}` : `0x${value.toString(16)}`);

/** A byte as eight binary digits, most significant first. */
export const toBinary = (byte: number): string => byte.toString(2).padStart(8, '0');

/** Bytes as hex, separated (space by default): 'aa bb cc'. */
export function hexSpaced(bytes: Uint8Array | ReadonlyArray<number>, separator = ' '): string {
  return bytes instanceof Uint8Array ? toHex(bytes, separator) : Array.from(bytes, (b) => HEX_BYTE[b & 0xff]).join(separator);
}

/** Hex of bytes[start, end), space separated, at most `max` bytes then ' … (+N)'. */
export function hexPreview(bytes: Uint8Array, start: number, end: number, max = 32): string {
  const stop = Math.min(end, start + max);
  const parts: string[] = [];
  for (let i = start; i < stop; i++) parts.push(HEX_BYTE[bytes[i]!]!);
  return parts.join(' ') + (end > stop ? ` … (+${formatNumber(end - stop, 'en')})` : '');
}

/**
 * The offset column of a hex grid, in hex as Wireshark, xxd and hexdump write it: 0000, 0010,
 * 0020 beside rows of 16 bytes. Decimal beside hex bytes reads as 0000, 0016, 0032 and misleads.
 */
export function hexOffset(offset: number, width = 4): string {
  return offset.toString(16).padStart(width, '0');
}

/** Digits a hex offset column needs for offsets up to `max` (at least four). */
export function hexOffsetWidth(max: number): number {
  return Math.max(4, Math.max(0, max).toString(16).length);
}

/** The printable-ASCII rendering of a byte for a text column ('.' for the rest). */
export function asciiChar(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Lines of 16 spaced hex bytes, as a payload panel shows them. */
export function hexLines(bytes: Uint8Array, start: number, count: number, perLine = 16): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i += perLine) {
    const parts: string[] = [];
    for (let j = i; j < Math.min(count, i + perLine); j++) parts.push(HEX_BYTE[bytes[start + j]!]!);
    lines.push(parts.join(' '));
  }
  return lines;
}
