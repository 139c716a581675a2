/**
 * 0x lists (0x10, 0x1a) and the quote and comment blanking that C arrays and lists share.
 */
import { type HexInputResult, hexValue, isSpaceCode, isLineBreak, formatCount, errorAt, unexpectedChar, ByteSink, type Context, newSink, result, firstNonSpace, lastNonSpace } from './common.ts';

// ---------------------------------------------------------------------------------------------
// Comments and quotes, blanked to spaces so that every index still points into the pasted text

/**
 * `"101a…"` or `'EBoA…'` copied out of JSON or code, or `101a…` in Markdown backticks: the quotes
 * are not part of the data. Only without backslashes: with them, the text is an escaped string.
 * If what is inside is neither hex nor base64, parseHexInput reads it as a string literal after all.
 */
export function blankSurroundingQuotes(text: string): string | null {
  const first = firstNonSpace(text);
  const last = lastNonSpace(text);
  if (last <= first) return null;
  const q = text.charCodeAt(first);
  if ((q !== 34 && q !== 39 && q !== 96) || text.charCodeAt(last) !== q) return null;
  const inner = text.indexOf(text[first]!, first + 1);
  if (inner !== last || text.indexOf('\\', first) >= 0) return null;
  return `${text.slice(0, first)} ${text.slice(first + 1, last)} ${text.slice(last + 1)}`;
}

/**
 * C `//` and `/* *\/` comments, and `#` comments as in Python lists. A comment only starts after
 * whitespace or punctuation, so that `//` inside a base64 string is not taken for one.
 */
export function blankComments(ctx: Context): string {
  const work = ctx.work;
  if (work.indexOf('/') < 0 && work.indexOf('#') < 0) return work;
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < work.length; i++) {
    const c = work.charCodeAt(i);
    if (c !== 47 && c !== 35) continue;
    const next = work.charCodeAt(i + 1);
    const isLine = c === 35 || next === 47;
    if (!isLine && next !== 42) continue;
    if (i > 0 && !canPrecedeComment(work.charCodeAt(i - 1))) continue;
    let end: number;
    if (isLine) {
      end = i;
      while (end < work.length && !isLineBreak(work.charCodeAt(end))) end++;
    } else {
      const close = work.indexOf('*/', i + 2);
      if (close < 0) throw errorAt(ctx.text, i, 'This /* comment is never closed with */');
      end = close + 2;
    }
    parts.push(work.slice(copied, i), work.slice(i, end).replace(/[^\r\n]/g, ' '));
    copied = end;
    i = end - 1;
  }
  if (parts.length === 0) return work;
  parts.push(work.slice(copied));
  return parts.join('');
}

export function canPrecedeComment(c: number): boolean {
  // whitespace , ; { } ( ) [ ]
  return isSpaceCode(c) || c === 44 || c === 59 || c === 123 || c === 125 || c === 40 || c === 41 || c === 91 || c === 93;
}

// ---------------------------------------------------------------------------------------------
// 0x10, 0x1a … and C arrays

export interface ListStats { tokens: number; multiByte: string | null }

/**
 * Reads `0x..` tokens between `from` and `to`, separated by whitespace and commas. In a C array a
 * token must fit in a byte; in a bare list, `0x101a0004` is read as a run of bytes.
 */
export function read0xTokens(ctx: Context, masked: string, sink: ByteSink, from: number, to: number, inArray: boolean): ListStats {
  const { text } = ctx;
  const stats: ListStats = { tokens: 0, multiByte: null };
  let p = from;
  while (p < to) {
    const c = masked.charCodeAt(p);
    if (isSpaceCode(c) || c === 44) {
      p++;
      continue;
    }
    const x = masked.charCodeAt(p + 1);
    if (c === 48 && (x === 120 || x === 88) && p + 1 < to) {
      const digits = p + 2;
      let q = digits;
      while (q < to && hexValue(masked.charCodeAt(q)) >= 0) q++;
      const n = q - digits;
      if (n === 0) {
        throw digits < to ? unexpectedChar(text, digits, 'hex digits after 0x') : errorAt(text, p, '"0x" has no hex digits after it');
      }
      if (q < to && !isSpaceCode(masked.charCodeAt(q)) && masked.charCodeAt(q) !== 44) {
        throw unexpectedChar(text, q, inArray ? 'a comma, a hex digit or the closing }' : 'a comma, a space or a hex digit');
      }
      const token = text.slice(p, Math.min(q, p + 18)) + (q - p > 18 ? '…' : '');
      if (n <= 2) {
        sink.push(n === 1 ? hexValue(masked.charCodeAt(digits)) : (hexValue(masked.charCodeAt(digits)) << 4) | hexValue(masked.charCodeAt(digits + 1)), p);
      } else if (inArray) {
        throw errorAt(text, p, `${token} does not fit in one byte`);
      } else if (n % 2 === 1) {
        throw errorAt(text, p, `Odd number of hex digits (${formatCount(n)}) in ${token}: every byte takes two`);
      } else {
        for (let i = digits; i < q; i += 2) sink.push((hexValue(masked.charCodeAt(i)) << 4) | hexValue(masked.charCodeAt(i + 1)), i);
        stats.multiByte ??= token;
      }
      stats.tokens++;
      p = q;
      continue;
    }
    if (hexValue(c) >= 0) {
      let q = p;
      while (q < to && q - p < 16 && hexValue(masked.charCodeAt(q)) >= 0) q++;
      throw errorAt(text, p, `"${text.slice(p, q)}" has no 0x prefix, unlike the other bytes`);
    }
    throw unexpectedChar(text, p, inArray ? 'a byte written as 0x..' : 'a byte written as 0x.. or a comma');
  }
  return stats;
}

export function parseHex0x(ctx: Context, masked: string, note: string): HexInputResult {
  // Allow list brackets around the bytes, as in Python, JavaScript or Rust: [0x10, 0x1a]
  let from = firstNonSpace(masked);
  let to = lastNonSpace(masked) + 1;
  if (masked.charCodeAt(to - 1) === 59) to = lastNonSpaceBefore(masked, to - 1) + 1; // trailing ;
  if (masked.charCodeAt(from) === 91) {
    if (masked.charCodeAt(to - 1) !== 93) throw errorAt(ctx.text, from, 'This [ is never closed with ]');
    from++;
    to--;
  }
  const sink = newSink(ctx, masked.length >> 2);
  const stats = read0xTokens(ctx, masked, sink, from, to, false);
  if (stats.tokens === 1 && stats.multiByte !== null) {
    return result(ctx, sink.bytes(), 'hex', `continuous hex after a 0x prefix${note ? ` (${note.slice(2)})` : ''}`);
  }
  if (stats.multiByte !== null) {
    ctx.warnings.push(`Some 0x values hold more than one byte (the first is ${stats.multiByte}); they were read two digits per byte, most significant first.`);
  }
  return result(ctx, sink.bytes(), 'hex-0x', `0x-prefixed bytes (commas and whitespace ignored${note})`);
}

export function lastNonSpaceBefore(text: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i;
}

/** Characters allowed in the declaration around an initializer: `static const uint8_t pkt[26] =`. */
export function isDeclarationChar(c: number): boolean {
  return isSpaceCode(c) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
    || c === 91 || c === 93 || c === 61 || c === 42 || c === 60 || c === 62 || c === 58 || c === 44 || c === 40 || c === 41
    || c === 38 || c === 46;
}
