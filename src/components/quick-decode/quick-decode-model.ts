/**
 * The pure model behind the "decode this hex" island: text in, a view model out. No DOM, so tests
 * drive it headless and the island only renders what this returns.
 */
import { decodeAll, detectProtocolVersion, PROTOCOL_VERSION_LABELS, type DecodedPacket, type FieldSpan, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { bytesToHex } from '../../mqtt/codec/binary-reader.ts';
import { HexInputError, parseHexInput } from '../../input/index.ts';
import { VERSION_BY_CHOICE, type VersionChoice } from '../shared/version.ts';

export type { VersionChoice };

/** Inputs beyond this many characters are refused before any parsing, so a paste never freezes the page. */
export const MAX_INPUT_CHARACTERS = 2_000_000;
/** Field rows drawn per packet; the rest are summarised. */
export const MAX_ROWS_PER_PACKET = 200;

export interface FieldRow {
  offset: number;
  length: number;
  path: string;
  label: string;
  hex: string;
  value: string;
  bits: Array<{ label: string; value: number; meaning: string; bitRange: string }>;
}

export interface PacketView {
  title: string;
  offset: number;
  length: number;
  rows: FieldRow[];
  hiddenRows: number;
}

export interface QuickDecodeResult {
  status: 'empty' | 'ok' | 'error';
  /** How the input was read and which version was used, as sentences. */
  notes: string[];
  packets: PacketView[];
  /** A malformed packet or an input problem, in words. */
  problem: { message: string; rule?: string; offset?: number; field?: string } | null;
}

export function quickDecode(text: string, choice: VersionChoice): QuickDecodeResult {
  const notes: string[] = [];
  if (text.length > MAX_INPUT_CHARACTERS) {
    return { status: 'error', notes, packets: [], problem: { message: `The input is ${text.length.toLocaleString('en')} characters; this quick decoder takes up to ${MAX_INPUT_CHARACTERS.toLocaleString('en')}.` } };
  }
  let bytes: Uint8Array;
  try {
    const parsed = parseHexInput(text);
    if (parsed.format === 'empty') return { status: 'empty', notes, packets: [], problem: null };
    bytes = parsed.bytes;
    notes.push(`Read ${bytes.length} byte${bytes.length === 1 ? '' : 's'} as ${parsed.description}.`, ...parsed.warnings);
  } catch (error) {
    if (error instanceof HexInputError) {
      return { status: 'error', notes, packets: [], problem: { message: `${error.message} (line ${error.line}, column ${error.column})` } };
    }
    throw error;
  }
  let version: ProtocolVersion;
  if (choice === 'auto') {
    const guess = detectProtocolVersion(bytes);
    version = guess.protocolVersion;
    notes.push(`Version: MQTT ${PROTOCOL_VERSION_LABELS[version]}. ${guess.reason}.`);
  } else {
    version = VERSION_BY_CHOICE[choice];
    notes.push(`Version: MQTT ${choice}, as chosen.`);
  }
  const result = decodeAll(bytes, { protocolVersion: version, annotate: true });
  const packets = result.packets.map((p) => packetView(p, bytes));
  const failure = result.failures[0];
  if (failure !== undefined) {
    const e = failure.error;
    return { status: 'error', notes, packets, problem: { message: e.explanation, rule: e.rule, offset: e.offset, field: e.field } };
  }
  if (result.incomplete !== null) {
    const e = result.incomplete;
    return { status: 'error', notes, packets, problem: { message: `The input ends inside a packet: ${e.field} needs ${e.needed} more byte${e.needed === 1 ? '' : 's'}.`, offset: e.offset } };
  }
  return { status: 'ok', notes, packets, problem: null };
}

function packetView(decoded: DecodedPacket, bytes: Uint8Array): PacketView {
  const fields = decoded.fields ?? [];
  const rows = fields.slice(0, MAX_ROWS_PER_PACKET).map((span) => fieldRow(span, bytes));
  return {
    title: `${decoded.packet.type} — ${decoded.length} bytes at offset ${decoded.offset}`,
    offset: decoded.offset,
    length: decoded.length,
    rows,
    hiddenRows: Math.max(0, fields.length - MAX_ROWS_PER_PACKET),
  };
}

function fieldRow(span: FieldSpan, bytes: Uint8Array): FieldRow {
  const shown = Math.min(span.length, 32);
  const hex = bytesToHex(bytes, span.offset, span.offset + shown).replace(/(..)(?=.)/g, '$1 ') + (span.length > shown ? ' …' : '');
  return {
    offset: span.offset,
    length: span.length,
    path: span.path,
    label: span.label,
    hex,
    value: span.value === null ? '' : typeof span.value === 'string' ? JSON.stringify(span.value) : String(span.value),
    bits: (span.bits ?? []).map((b) => {
      const high = 31 - Math.clz32(b.mask);
      const low = b.shift;
      return { label: b.label, value: b.value, meaning: b.meaning ?? '', bitRange: high === low ? `bit ${low}` : `bits ${high}–${low}` };
    }),
  };
}
