/**
 * The pure model behind the "decode this hex" island: text in, a view model out. No DOM, so tests
 * drive it headless and the island only renders what this returns.
 */
import { decodeAll, detectProtocolVersion, PROTOCOL_VERSION_LABELS, type DecodedPacket, type FieldSpan, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { HexInputError, parseHexInput } from '../../input/index.ts';
import { VERSION_BY_CHOICE, type VersionChoice } from '../shared/version.ts';
import { hexSpaced } from '../shared/hex.ts';
import { translate } from '../i18n/catalogue.ts';
import { codecText, localizeSpan } from '../i18n/codec-text.ts';
import type { Lang } from '../i18n/lang.ts';

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

/** Decodes pasted text; every sentence in the result is in `lang` (catalogue sections `decoder`, `codec`). */
export function quickDecode(text: string, choice: VersionChoice, lang: Lang = 'en'): QuickDecodeResult {
  const t = (key: string, values?: Record<string, string | number>) => translate(lang, `decoder.${key}`, values);
  const notes: string[] = [];
  if (text.length > MAX_INPUT_CHARACTERS) {
    return { status: 'error', notes, packets: [], problem: { message: t('inputTooLong', { length: text.length, max: MAX_INPUT_CHARACTERS }) } };
  }
  let bytes: Uint8Array;
  try {
    const parsed = parseHexInput(text);
    if (parsed.format === 'empty') return { status: 'empty', notes, packets: [], problem: null };
    bytes = parsed.bytes;
    // The input reader names the format it recognised; the sentence for it is in the catalogue.
    notes.push(t('quickRead', { bytes: bytes.length, description: t(`inputFormat.${parsed.format}`) }), ...parsed.warnings);
  } catch (error) {
    if (error instanceof HexInputError) {
      return { status: 'error', notes, packets: [], problem: { message: t('quickInputProblem', { message: error.message, line: error.line, column: error.column }) } };
    }
    throw error;
  }
  let version: ProtocolVersion;
  if (choice === 'auto') {
    const guess = detectProtocolVersion(bytes);
    version = guess.protocolVersion;
    notes.push(`${t('versionGuess', { label: PROTOCOL_VERSION_LABELS[version] })} ${codecText(lang, guess.reason)}.`);
  } else {
    version = VERSION_BY_CHOICE[choice];
    notes.push(t('versionChosen', { label: choice }));
  }
  const result = decodeAll(bytes, { protocolVersion: version, annotate: true });
  const packets = result.packets.map((p) => packetView(p, bytes, lang));
  const failure = result.failures[0];
  if (failure !== undefined) {
    const e = failure.error;
    return { status: 'error', notes, packets, problem: { message: codecText(lang, e.explanation), rule: e.rule, offset: e.offset, field: e.field } };
  }
  if (result.incomplete !== null) {
    const e = result.incomplete;
    return { status: 'error', notes, packets, problem: { message: t('quickIncomplete', { field: e.field, needed: e.needed }), offset: e.offset } };
  }
  return { status: 'ok', notes, packets, problem: null };
}

function packetView(decoded: DecodedPacket, bytes: Uint8Array, lang: Lang): PacketView {
  const fields = decoded.fields ?? [];
  const rows = fields.slice(0, MAX_ROWS_PER_PACKET).map((span) => fieldRow(span, bytes, lang));
  return {
    title: translate(lang, 'decoder.quickPacketTitle', { type: decoded.packet.type, length: decoded.length, offset: decoded.offset }),
    offset: decoded.offset,
    length: decoded.length,
    rows,
    hiddenRows: Math.max(0, fields.length - MAX_ROWS_PER_PACKET),
  };
}

function fieldRow(span: FieldSpan, bytes: Uint8Array, lang: Lang): FieldRow {
  const shown = Math.min(span.length, 32);
  const hex = hexSpaced(bytes.subarray(span.offset, span.offset + shown)) + (span.length > shown ? ' …' : '');
  const local = localizeSpan(lang, span);
  return {
    offset: span.offset,
    length: span.length,
    path: span.path,
    label: local.label,
    hex,
    value: span.value === null ? '' : typeof span.value === 'string' ? JSON.stringify(span.value) : String(span.value),
    bits: (local.bits ?? []).map((b) => {
      const high = 31 - Math.clz32(b.mask);
      const low = b.shift;
      return { label: b.label, value: b.value, meaning: b.meaning ?? '', bitRange: high === low ? translate(lang, 'packet.bitOne', { bit: low }) : translate(lang, 'packet.bitSpan', { high, low }) };
    }),
  };
}
