/**
 * Base64, tried only when the text is not hex in any accepted form.
 */
import { type HexInputResult, HexInputError, hexValue, isSpaceCode, formatSize, limitErrorAt, type Context, firstNonSpace } from './common.ts';
import { splitLines } from './dump.ts';

export const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
export const BASE64URL_62 = 45; // '-'
export const BASE64URL_63 = 95; // '_'

export function tryBase64(ctx: Context, hexError: HexInputError): HexInputResult | null {
  const text = ctx.work;
  // Base64 may be wrapped across lines (MIME wraps at 76) but has no spaces inside a line: that keeps
  // "10 1a 0g" a hex typo instead of reading it as base64.
  const chunks: string[] = [];
  for (const line of splitLines(text)) {
    let s = line.start;
    let e = line.end;
    while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
    while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
    for (let i = s; i < e; i++) if (isSpaceCode(text.charCodeAt(i))) return null;
    if (e > s) chunks.push(text.slice(s, e));
  }
  const b64 = chunks.join('');
  if (b64.length === 0 || b64.length % 4 !== 0) return null;
  let padding = 0;
  while (padding < 2 && b64.charCodeAt(b64.length - 1 - padding) === 61) padding++;
  const dataLength = b64.length - padding;
  let standard = false;
  let urlSafe = false;
  let hexDigits = 0;
  for (let i = 0; i < dataLength; i++) {
    const c = b64.charCodeAt(i);
    if (c === BASE64URL_62 || c === BASE64URL_63) urlSafe = true;
    else if (c >= 128 || BASE64_VALUE[c]! < 0) return null;
    else if (c === 43 || c === 47) standard = true;
    if (hexValue(c) >= 0) hexDigits++;
  }
  if (standard && urlSafe) return null;
  const byteLength = (b64.length / 4) * 3 - padding;
  if (byteLength > ctx.maxBytes) {
    throw limitErrorAt(ctx.text, firstNonSpace(ctx.text), `The base64 text holds ${formatSize(byteLength)}, more than the ${formatSize(ctx.maxBytes)} that are read at once`);
  }
  const out = new Uint8Array(byteLength);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < dataLength; i++) {
    const c = b64.charCodeAt(i);
    const v = c === BASE64URL_62 ? 62 : c === BASE64URL_63 ? 63 : BASE64_VALUE[c]!;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  const warnings = ctx.warnings;
  if (dataLength >= 8 && dataLength - hexDigits <= Math.max(2, dataLength * 0.1)) {
    warnings.push(`This was read as base64, but it is nearly all hex digits; as hex it fails: ${hexError.message} (line ${hexError.line}, column ${hexError.column}).`);
  }
  return { bytes: out, format: 'base64', description: `base64${urlSafe ? ' (URL-safe alphabet)' : ''}`, warnings };
}
