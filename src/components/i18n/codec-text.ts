/**
 * The codec's messages as text. The codec (src/mqtt/codec) returns a CodecMessage — a key in the
 * catalogue's `codec` section plus values — for every field label, bit meaning, error and
 * version guess; this renders one in a language. A value that is itself a `codec.` key (a field's
 * name inside an error: "Topic name needs 2 bytes …") is rendered as that key's text first.
 *
 * `localizeSpan` turns an annotation span into the plain-string shape views and the CLI's JSON
 * show (`label`, `bits[].label`, `bits[].meaning`).
 */
import type { BitField, CodecMessage, FieldSpan } from '../../mqtt/codec/types.ts';
import { translate } from './catalogue.ts';
import type { Lang } from './lang.ts';

export function codecText(lang: Lang, message: CodecMessage): string {
  const values = message.values;
  if (values === undefined) return translate(lang, message.key);
  const resolved: Record<string, string | number> = {};
  for (const name in values) {
    const v = values[name]!;
    resolved[name] = typeof v === 'string' && v.startsWith('codec.') ? translate(lang, v) : v;
  }
  return translate(lang, message.key, resolved);
}

/** The explanation of a codec error (MalformedPacketError, InvalidPacketError, a topic-rule problem). */
export function explain(lang: Lang, error: { explanation: CodecMessage }): string {
  return codecText(lang, error.explanation);
}

/** English, for the CLI, logs and wire reason strings. */
export const english = (message: CodecMessage): string => codecText('en', message);

export interface TextBitField {
  path: string;
  label: string;
  mask: number;
  shift: number;
  value: number;
  meaning?: string;
}

export interface TextSpan {
  offset: number;
  length: number;
  path: string;
  label: string;
  value: FieldSpan['value'];
  bits?: TextBitField[];
}

export function localizeBit(lang: Lang, bit: BitField): TextBitField {
  const out: TextBitField = { path: bit.path, label: codecText(lang, bit.label), mask: bit.mask, shift: bit.shift, value: bit.value };
  if (bit.meaning !== undefined) out.meaning = codecText(lang, bit.meaning);
  return out;
}

export function localizeSpan(lang: Lang, span: FieldSpan): TextSpan {
  const out: TextSpan = { offset: span.offset, length: span.length, path: span.path, label: codecText(lang, span.label), value: span.value };
  if (span.bits !== undefined) out.bits = span.bits.map((b) => localizeBit(lang, b));
  return out;
}
