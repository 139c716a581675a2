/**
 * Escaped strings: \x10\x1a, "\x10\x1a", b'\x10\x0c\x00\x04MQTT', Wireshark's "…as C String".
 */
import { type HexInputResult, hexValue, isSpaceCode, isLineBreak, isInlineSpace, codePointName, describeCharAt, errorAt, unexpectedChar, ByteSink, type Context, newSink, result, firstNonSpace } from './common.ts';

/** Optional declaration before a string literal: `char pkt[] =`, `data =`. */
export const DECLARATION = /^[A-Za-z_][\w \t[\]*<>:&,]*=\s*/;
/** A string literal's start: optional prefix (b, u8, L, r…) and a quote. */
export const STRING_START = /^(?:[bB][rR]?|[rR][bB]?|[uU]8?|L)?["']/;

export function looksEscaped(text: string): boolean {
  if (/\\(?:[xX][0-9a-fA-F]|[0-7])/.test(text)) return true;
  const start = literalStart(text);
  if (start < 0) return false;
  // b'…' is always a bytes literal; another quoted string only when it uses escapes, since
  // "101a…" or "EBoA…" are hex or base64 wrapped in quotes.
  return /^[bB]/.test(text.slice(start, start + 3)) || text.indexOf('\\') >= 0;
}

/** Where the first string literal starts (after an optional declaration), or -1 if the text doesn't start with one. */
export function literalStart(text: string): number {
  const first = firstNonSpace(text);
  const head = text.slice(first, first + 300);
  const declaration = DECLARATION.exec(head);
  const start = first + (declaration === null ? 0 : declaration[0].length);
  return STRING_START.test(text.slice(start, start + 4)) ? start : -1;
}

export function parseEscaped(ctx: Context): HexInputResult {
  const { text } = ctx;
  const sink = newSink(ctx, text.length >> 2);
  const state = { nonAscii: false, literals: 0 };
  const start = literalStart(text);
  let description: string;
  if (start >= 0) {
    const python = readQuoted(ctx, sink, start, state);
    description = python
      ? 'Python bytes literal (escapes decoded, printable characters taken as bytes)'
      : `escaped string (quotes${start > firstNonSpace(text) ? ', declaration' : ''} and line continuations ignored, escapes decoded, printable characters taken as bytes)`;
  } else {
    readBare(ctx, sink, state);
    description = state.literals > 0
      ? '\\x-escaped bytes (printable characters between escapes taken as bytes)'
      : '\\x-escaped bytes';
  }
  if (state.nonAscii) ctx.warnings.push('Characters outside ASCII were encoded as UTF-8.');
  return result(ctx, sink.bytes(), 'hex-escaped', description);
}

export interface EscapeState { nonAscii: boolean; literals: number }

/** One or more string literals, joined as C and Python join adjacent literals. Returns whether one was a Python bytes literal. */
export function readQuoted(ctx: Context, sink: ByteSink, from: number, state: EscapeState): boolean {
  const { text } = ctx;
  const n = text.length;
  let python = false;
  let p = from;
  while (p < n) {
    const c = text.charCodeAt(p);
    // Between literals: whitespace, + and parentheses as in ("…" + "…"), a closing ; or ,
    if (isSpaceCode(c) || c === 43 || c === 40 || c === 41 || c === 44 || c === 59) {
      p++;
      continue;
    }
    if (c === 92) {
      // A backslash at the end of a line continues it: Wireshark's "…as Escaped String" emits "…" \
      let q = p + 1;
      while (q < n && isInlineSpace(text.charCodeAt(q))) q++;
      if (q >= n || isLineBreak(text.charCodeAt(q))) {
        p = q;
        continue;
      }
      throw errorAt(text, p, 'A backslash outside the quotes');
    }
    if ((c === 47 && (text.charCodeAt(p + 1) === 47 || text.charCodeAt(p + 1) === 42)) || c === 35) {
      p = skipComment(ctx, p);
      continue;
    }
    let q = p;
    while (q < n && q - p < 2 && /[bBrRuUL8]/.test(text[q]!)) q++;
    const quote = text.charCodeAt(q);
    if (quote !== 34 && quote !== 39) throw unexpectedChar(text, p, 'a quoted string');
    const prefix = text.slice(p, q);
    if (/[rR]/.test(prefix)) throw errorAt(text, p, 'A raw string literal keeps backslashes as text; remove the r prefix');
    if (/[bB]/.test(prefix)) python = true;
    p = readLiteral(ctx, sink, q, state);
  }
  return python;
}

export function skipComment(ctx: Context, p: number): number {
  const { text } = ctx;
  if (text.charCodeAt(p) === 47 && text.charCodeAt(p + 1) === 42) {
    const close = text.indexOf('*/', p + 2);
    if (close < 0) throw errorAt(text, p, 'This /* comment is never closed with */');
    return close + 2;
  }
  while (p < text.length && !isLineBreak(text.charCodeAt(p))) p++;
  return p;
}

/** One literal from its opening quote; returns the index after the closing quote. */
export function readLiteral(ctx: Context, sink: ByteSink, open: number, state: EscapeState): number {
  const { text } = ctx;
  const quote = text.charCodeAt(open);
  let p = open + 1;
  for (;;) {
    if (p >= text.length) throw errorAt(text, open, 'The string that starts here is never closed');
    const c = text.charCodeAt(p);
    if (c === quote) return p + 1;
    if (isLineBreak(c)) throw errorAt(text, open, 'The string that starts here is not closed on its line');
    if (c === 92) p = readEscape(ctx, sink, p);
    else p = pushLiteral(ctx, sink, p, state);
  }
}

/** Unquoted `\x10\x1a\x00\x04MQTT`: whitespace is taken as layout, not as bytes. */
export function readBare(ctx: Context, sink: ByteSink, state: EscapeState): void {
  const { text } = ctx;
  let p = firstNonSpace(text);
  let spaceBefore = false;
  let lastWasLiteral = false;
  let droppedSpace = false;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (isSpaceCode(c)) {
      spaceBefore = true;
      p++;
      continue;
    }
    if (c === 92) {
      p = readEscape(ctx, sink, p);
      lastWasLiteral = false;
    } else {
      if (spaceBefore && lastWasLiteral) droppedSpace = true;
      p = pushLiteral(ctx, sink, p, state);
      lastWasLiteral = true;
    }
    spaceBefore = false;
  }
  if (droppedSpace) ctx.warnings.push('Spaces between characters were ignored, since the text is not in quotes; put it in quotes to keep them as bytes.');
}

export function pushLiteral(ctx: Context, sink: ByteSink, p: number, state: EscapeState): number {
  const text = ctx.text;
  const cp = text.codePointAt(p)!;
  state.literals++;
  if (cp < 0x80) {
    sink.push(cp, p);
    return p + 1;
  }
  if (cp >= 0xd800 && cp <= 0xdfff) throw errorAt(text, p, `Broken character ${codePointName(cp)} (half of a surrogate pair)`);
  state.nonAscii = true;
  if (cp < 0x800) {
    sink.push(0xc0 | (cp >> 6), p);
  } else if (cp < 0x10000) {
    sink.push(0xe0 | (cp >> 12), p);
    sink.push(0x80 | ((cp >> 6) & 0x3f), p);
  } else {
    sink.push(0xf0 | (cp >> 18), p);
    sink.push(0x80 | ((cp >> 12) & 0x3f), p);
    sink.push(0x80 | ((cp >> 6) & 0x3f), p);
  }
  sink.push(0x80 | (cp & 0x3f), p);
  return p + (cp > 0xffff ? 2 : 1);
}

export const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** One escape from its backslash; returns the index after it. */
export function readEscape(ctx: Context, sink: ByteSink, p: number): number {
  const { text } = ctx;
  if (p + 1 >= text.length) throw errorAt(text, p, 'The text ends with a lone backslash');
  const e = text[p + 1]!;
  const ec = text.charCodeAt(p + 1);
  if (e === 'x' || e === 'X') {
    // Python's \xHH takes exactly two digits; C's takes as many as follow, which never fits a byte
    // beyond two, so at most two are read (b'\x0emosq' is 0e followed by "mosq").
    const d1 = hexValue(text.charCodeAt(p + 2));
    if (d1 < 0) throw errorAt(text, p, `\\${e} must be followed by hex digits`);
    const d2 = hexValue(text.charCodeAt(p + 3));
    sink.push(d2 < 0 ? d1 : (d1 << 4) | d2, p);
    return p + (d2 < 0 ? 3 : 4);
  }
  if (ec >= 48 && ec <= 55) {
    // Octal, up to three digits: Wireshark's "…as C String" writes \020 for 0x10.
    let value = 0;
    let q = p + 1;
    while (q < p + 4 && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 55) value = value * 8 + text.charCodeAt(q++) - 48;
    if (value > 255) throw errorAt(text, p, `\\${text.slice(p + 1, q)} is ${value}, too large for a byte`);
    sink.push(value, p);
    return q;
  }
  if (isLineBreak(ec)) {
    // A backslash-newline inside a string continues it on the next line and adds nothing.
    return p + (ec === 13 && text.charCodeAt(p + 2) === 10 ? 3 : 2);
  }
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    sink.push(simple, p);
    return p + 2;
  }
  if (e === 'u' || e === 'U' || e === 'N') throw errorAt(text, p, `\\${e} stands for a Unicode character, not a byte`);
  throw errorAt(text, p, `Unknown escape \\${describeCharAt(text, p + 1)}`);
}
