/**
 * C arrays: const uint8_t pkt[] = { 0x10, 0x1a, … };
 */
import { type HexInputResult, formatSize, errorAt, unexpectedChar, type Context, newSink, result } from './common.ts';
import { read0xTokens, isDeclarationChar } from './hex-0x.ts';

export function parseCArray(ctx: Context, masked: string): HexInputResult {
  const { text } = ctx;
  const open = masked.indexOf('{');
  for (let i = 0; i < open; i++) {
    if (!isDeclarationChar(masked.charCodeAt(i))) throw unexpectedChar(text, i, 'a C declaration before the array\'s {');
  }
  const close = masked.indexOf('}', open + 1);
  if (close < 0) throw errorAt(text, open, 'This { is never closed with }');
  const nested = masked.indexOf('{', open + 1);
  if (nested >= 0 && nested < close) throw errorAt(text, nested, 'Nested braces: only a flat array of bytes can be read');
  // After the array: the semicolon, and declarations such as xxd -i's `unsigned int pkt_len = 28;`.
  for (let i = close + 1; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c === 123) throw errorAt(text, i, 'A second array: paste one array at a time');
    if (c !== 59 && !isDeclarationChar(c)) throw unexpectedChar(text, i, 'nothing but ; after the array');
  }
  const sink = newSink(ctx, (close - open) >> 2);
  read0xTokens(ctx, masked, sink, open + 1, close, true);
  const bytes = sink.bytes();
  const size = /\[\s*(0[xX][0-9a-fA-F]+|\d+)\s*\]/.exec(masked.slice(0, open));
  if (size !== null) {
    const declared = Number(size[1]);
    if (declared !== bytes.length) {
      ctx.warnings.push(`The declaration says [${size[1]}] but the initializer holds ${formatSize(bytes.length)}${declared > bytes.length ? ' (C would fill the rest with zeros; they were not added)' : ''}.`);
    }
  }
  return result(ctx, bytes, 'c-array', 'C array (declaration, braces and comments ignored)');
}
