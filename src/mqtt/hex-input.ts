/**
 * Turns whatever hex a user pastes into bytes, and says which spelling it recognised: plain hex
 * (continuous, spaced, colon- or dash-separated), 0x lists, C arrays, \x-escaped strings, hex dumps
 * from Wireshark, tcpdump -X, xxd and hexdump -C, and base64.
 *
 * Everything here is one linear pass (or a few) over the text with charCodeAt: a multi-megabyte
 * paste must not freeze a browser tab, so there are no regular expressions over the whole input
 * that could backtrack, and no per-character string building.
 */

export type HexInputFormat =
  | 'hex' | 'hex-0x' | 'hex-escaped' | 'c-array' | 'wireshark-dump' | 'tcpdump-x' | 'xxd' | 'base64' | 'empty';

export interface HexInputResult {
  bytes: Uint8Array;
  format: HexInputFormat;
  /** How the input was read, e.g. "Wireshark hex dump (offset column and ASCII column ignored)". */
  description: string;
  /** Things the user should know: headers stripped, offsets that disagree, ambiguous readings. */
  warnings: string[];
}

export interface HexInputOptions {
  /** Try base64 when the text is not hex in any accepted form. Default true. */
  allowBase64?: boolean;
  /** Refuse inputs that hold more bytes than this. Default 16 MiB. */
  maxBytes?: number;
  /**
   * tcpdump prints the IP and TCP headers before the payload; by default they are stripped so
   * that only the TCP payload (the MQTT bytes) remains. Default true.
   */
  stripNetworkHeaders?: boolean;
}

/**
 * The input cannot be read. `line` and `column` are 1-based and point at the first bad character
 * (columns count Unicode code points); `snippet` is a short, single-line, printable excerpt of the
 * input around it. The message names the problem but not the line and column, which callers show
 * from the fields.
 */
export class HexInputError extends Error {
  readonly line: number;
  readonly column: number;
  readonly snippet: string;

  constructor(message: string, line: number, column: number, snippet: string) {
    super(message);
    this.name = 'HexInputError';
    this.line = line;
    this.column = column;
    this.snippet = snippet;
  }
}

/** A size limit was hit. Kept apart so that base64 is not tried next: it would be as large. */
class InputLimitError extends HexInputError {}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
// The wordiest accepted spelling is a C array ("0x10, " is six characters per byte, more with
// comments and indentation), and hexdump -C takes about five: three characters per byte would
// refuse legitimate input close to maxBytes. The text is refused before any parsing beyond this.
const MAX_CHARS_PER_BYTE = 8;
const CHAR_SLACK = 64 * 1024;
/** Characters of context on each side of an error, so a message never carries a large paste. */
const SNIPPET_RADIUS = 20;
/** Lines looked at when deciding whether a line is a dump line or a tcpdump header. */
const DETECTION_PREFIX = 200;

// ---------------------------------------------------------------------------------------------
// Characters

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c]! : -1;
}

/** Whitespace, including the Unicode spaces that copying from web pages and chat apps brings along. */
function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029
    || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

function isInlineSpace(c: number): boolean {
  return isSpaceCode(c) && !isLineBreak(c);
}

/** Whether a code point can be shown as itself in a message without hiding or reordering text. */
function isVisible(cp: number): boolean {
  if (cp <= 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp === 0xad) return false;
  if (cp >= 0x300 && cp <= 0x36f) return false; // combining marks draw onto their neighbour
  if (cp >= 0xd800 && cp <= 0xdfff) return false; // lone surrogate
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f)) return false;
  if (cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f)) return false;
  return !isSpaceCode(cp);
}

function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `'g' (U+0067)`, or just `U+200B` for characters that would be invisible or unsafe to show. */
function describeCharAt(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  return isVisible(cp) ? `'${String.fromCodePoint(cp)}' (${codePointName(cp)})` : codePointName(cp);
}

function formatCount(n: number): string {
  return n.toLocaleString('en');
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${formatCount(bytes)} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${formatCount(bytes)} bytes (${bytes / 1024} KiB)`;
  return `${formatCount(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// Positions and errors

interface Location { line: number; column: number; lineStart: number }

/** Found only when an error is raised, so the happy path never pays for line counting. */
function locate(text: string, index: number): Location {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 13 && i + 1 < index && text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < index; i++) {
    const c = text.charCodeAt(i);
    // The second half of a surrogate pair is not a column of its own.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > lineStart && isHighSurrogate(text.charCodeAt(i - 1)))) column++;
  }
  return { line, column, lineStart };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Up to SNIPPET_RADIUS characters either side of `index` on its line, made printable. */
function snippetAround(text: string, index: number, lineStart: number): string {
  let lineEnd = index;
  while (lineEnd < text.length && !isLineBreak(text.charCodeAt(lineEnd)) && lineEnd - index < SNIPPET_RADIUS + 2) lineEnd++;
  let from = Math.max(lineStart, index - SNIPPET_RADIUS);
  let to = Math.min(lineEnd, index + SNIPPET_RADIUS);
  // Never cut a surrogate pair in half.
  if (from > lineStart && isHighSurrogate(text.charCodeAt(from - 1))) from--;
  if (to < lineEnd && isHighSurrogate(text.charCodeAt(to - 1))) to++;
  let out = from > lineStart ? '…' : '';
  for (let i = from; i < to; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    out += isVisible(cp) ? String.fromCodePoint(cp) : isSpaceCode(cp) ? ' ' : '\ufffd';
  }
  const atLineEnd = to >= text.length || isLineBreak(text.charCodeAt(to));
  return atLineEnd ? out : out + '…';
}

function errorAt(text: string, index: number, message: string): HexInputError {
  const where = locate(text, index);
  const snippet = snippetAround(text, index, where.lineStart);
  const full = snippet.trim() === '' ? message : `${message}, near "${snippet}"`;
  return new HexInputError(full, where.line, where.column, snippet);
}

function limitErrorAt(text: string, index: number, message: string): InputLimitError {
  const where = locate(text, index);
  return new InputLimitError(message, where.line, where.column, snippetAround(text, index, where.lineStart));
}

function unexpectedChar(text: string, index: number, expected: string): HexInputError {
  return errorAt(text, index, `Unexpected character ${describeCharAt(text, index)}: expected ${expected}`);
}

/** Collects bytes with a hard cap, so that an oversized paste fails at the byte that crosses it. */
class ByteSink {
  buf: Uint8Array;
  length = 0;
  private readonly text: string;
  private readonly limit: number;

  constructor(text: string, limit: number, expectedBytes: number) {
    this.text = text;
    this.limit = limit;
    this.buf = new Uint8Array(Math.min(limit, Math.max(16, expectedBytes)));
  }

  push(value: number, at: number): void {
    if (this.length === this.buf.length) this.reserve(1, at);
    this.buf[this.length++] = value;
  }

  reserve(extra: number, at: number): void {
    const want = this.length + extra;
    if (want <= this.buf.length) return;
    if (want > this.limit) {
      throw limitErrorAt(this.text, at, `The input holds more than ${formatSize(this.limit)}, the most that is read at once`);
    }
    let capacity = Math.max(64, this.buf.length * 2);
    while (capacity < want) capacity *= 2;
    const next = new Uint8Array(Math.min(capacity, this.limit));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(): Uint8Array {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
  }
}

interface Context {
  /** The text as pasted: errors point into it. */
  text: string;
  /** The same text with ignorable parts (comments, surrounding quotes) blanked to spaces, same length. */
  work: string;
  maxBytes: number;
  stripNetworkHeaders: boolean;
  warnings: string[];
}

function newSink(ctx: Context, expectedBytes: number): ByteSink {
  return new ByteSink(ctx.text, ctx.maxBytes, expectedBytes);
}

function result(ctx: Context, bytes: Uint8Array, format: HexInputFormat, description: string): HexInputResult {
  return { bytes, format, description, warnings: ctx.warnings };
}

// ---------------------------------------------------------------------------------------------
// Entry point

export function parseHexInput(text: string, options: HexInputOptions = {}): HexInputResult {
  const allowBase64 = options.allowBase64 ?? true;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number ≥ 0, not ${maxBytes}`);
  const maxChars = maxBytes * MAX_CHARS_PER_BYTE + CHAR_SLACK;
  if (text.length > maxChars) {
    throw limitErrorAt(text, maxChars,
      `The input is ${formatCount(text.length)} characters long; at most ${formatCount(maxChars)} are read (enough for ${formatSize(maxBytes)})`);
  }
  if (isBlank(text, 0, text.length)) return { bytes: new Uint8Array(0), format: 'empty', description: 'empty input', warnings: [] };

  const ctx: Context = { text, work: text, maxBytes, stripNetworkHeaders: options.stripNetworkHeaders ?? true, warnings: [] };
  let hexError: HexInputError;
  try {
    return parseAsHex(ctx);
  } catch (error) {
    if (!(error instanceof HexInputError) || error instanceof InputLimitError) throw error;
    hexError = error;
  }
  if (allowBase64) {
    const decoded = tryBase64(ctx, hexError);
    if (decoded !== null) return decoded;
  }
  // A quoted string that is neither hex nor base64 is taken for what it says: its characters.
  if (ctx.work !== text && /^\s*["']/.test(text)) {
    return parseEscaped({ ...ctx, work: text, warnings: [] });
  }
  throw hexError;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpaceCode(text.charCodeAt(i))) return false;
  return true;
}

function firstNonSpace(text: string, from = 0): number {
  let i = from;
  while (i < text.length && isSpaceCode(text.charCodeAt(i))) i++;
  return i;
}

function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i;
}

function parseAsHex(ctx: Context): HexInputResult {
  const dump = detectDump(ctx.text);
  if (dump !== null) return parseDump(ctx, dump.kind, dump.lines);
  if (looksEscaped(ctx.text)) return parseEscaped(ctx);
  let quoteNote = '';
  const unquoted = blankSurroundingQuotes(ctx.text);
  if (unquoted !== null) {
    ctx.work = unquoted;
    quoteNote = ', quotes ignored';
    if (lastNonSpace(ctx.text) - firstNonSpace(ctx.text) === 1) return result(ctx, new Uint8Array(0), 'empty', 'empty input (an empty quoted string)');
    // Only spaces between the quotes of a string literal: those are the bytes.
    if (isBlank(unquoted, 0, unquoted.length) && ctx.text[firstNonSpace(ctx.text)] !== '`') return parseEscaped(ctx);
  }
  const masked = blankComments(ctx);
  if (masked !== ctx.work) {
    if (isBlank(masked, 0, masked.length)) throw errorAt(ctx.text, firstNonSpace(ctx.text), 'The input holds only comments, no bytes');
    quoteNote += ', comments ignored';
  }
  if (masked.indexOf('{') >= 0) return parseCArray(ctx, masked);
  if (/0[xX][0-9a-fA-F]/.test(masked)) return parseHex0x(ctx, masked, quoteNote);
  return parsePlainHex(ctx, masked, quoteNote);
}

// ---------------------------------------------------------------------------------------------
// Plain hex: 101a0004, 10 1a 00 04, 10:1a:00:04, 10-1a-00-04, across lines

const SEP_SPACES = 1;
const SEP_COLONS = 2;
const SEP_DASHES = 4;
const SEP_COMMAS = 8;
const SEP_LINE_BREAKS = 16;
const SEPARATOR_NAMES = ['spaces', 'colons', 'dashes', 'commas', 'line breaks'];

function parsePlainHex(ctx: Context, masked: string, note: string): HexInputResult {
  const { text } = ctx;
  const sink = newSink(ctx, masked.length >> 1);
  let high = -1;
  let runStart = -1;
  // Separators count for the description only between bytes, not around them.
  let pending = 0;
  let seen = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    const v = hexValue(c);
    if (v >= 0) {
      if (runStart < 0) {
        runStart = i;
        if (sink.length > 0) seen |= pending;
        pending = 0;
      }
      if (high < 0) high = v;
      else {
        sink.push((high << 4) | v, i - 1);
        high = -1;
      }
      continue;
    }
    if (isSpaceCode(c)) {
      if (isLineBreak(c)) pending |= SEP_LINE_BREAKS;
      // Blanked quotes and comments are described on their own, not as separating spaces.
      else if (isSpaceCode(text.charCodeAt(i))) pending |= SEP_SPACES;
    } else if (c === 58) pending |= SEP_COLONS;
    else if (c === 45) pending |= SEP_DASHES;
    else if (c === 44) pending |= SEP_COMMAS;
    else throw unexpectedChar(text, i, 'a hex digit');
    if (high >= 0) throw oddRun(ctx, runStart, i);
    runStart = -1;
  }
  if (high >= 0) throw oddRun(ctx, runStart, masked.length);

  const separators = SEPARATOR_NAMES.filter((_, bit) => (seen & (1 << bit)) !== 0);
  const joined = separators.length <= 1 ? separators.join('') : `${separators.slice(0, -1).join(', ')} and ${separators.at(-1)}`;
  const description = separators.length === 0 ? `continuous hex${note ? ` (${note.slice(2)})` : ''}` : `hex (${joined} ignored${note})`;
  return result(ctx, sink.bytes(), 'hex', description);
}

function oddRun(ctx: Context, start: number, end: number): HexInputError {
  const digits = end - start;
  const run = digits <= 16 ? ctx.text.slice(start, end) : `${ctx.text.slice(start, start + 16)}…`;
  let message = `Odd number of hex digits (${formatCount(digits)}) in "${run}": every byte takes two`;
  // BSD/util-linux `hexdump` without -C prints a 7-digit offset and 16-bit words in little-endian
  // order, so reading it as hex would swap every pair of bytes: say so rather than guess.
  if (digits === 7 && /^[0-9a-fA-F]{7}( [0-9a-fA-F]{4})+/.test(ctx.work.slice(start, start + 60))) {
    message += '. This looks like plain `hexdump` output, which shows 16-bit little-endian words; use `hexdump -C` or `xxd` instead';
  }
  return errorAt(ctx.text, start, message);
}

// ---------------------------------------------------------------------------------------------
// Comments and quotes, blanked to spaces so that every index still points into the pasted text

/**
 * `"101a…"` or `'EBoA…'` copied out of JSON or code, or `101a…` in Markdown backticks: the quotes
 * are not part of the data. Only without backslashes: with them, the text is an escaped string.
 * If what is inside is neither hex nor base64, parseHexInput reads it as a string literal after all.
 */
function blankSurroundingQuotes(text: string): string | null {
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
function blankComments(ctx: Context): string {
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

function canPrecedeComment(c: number): boolean {
  // whitespace , ; { } ( ) [ ]
  return isSpaceCode(c) || c === 44 || c === 59 || c === 123 || c === 125 || c === 40 || c === 41 || c === 91 || c === 93;
}

// ---------------------------------------------------------------------------------------------
// 0x10, 0x1a … and C arrays

interface ListStats { tokens: number; multiByte: string | null }

/**
 * Reads `0x..` tokens between `from` and `to`, separated by whitespace and commas. In a C array a
 * token must fit in a byte; in a bare list, `0x101a0004` is read as a run of bytes.
 */
function read0xTokens(ctx: Context, masked: string, sink: ByteSink, from: number, to: number, inArray: boolean): ListStats {
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

function parseHex0x(ctx: Context, masked: string, note: string): HexInputResult {
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

function lastNonSpaceBefore(text: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i;
}

/** Characters allowed in the declaration around an initializer: `static const uint8_t pkt[26] =`. */
function isDeclarationChar(c: number): boolean {
  return isSpaceCode(c) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
    || c === 91 || c === 93 || c === 61 || c === 42 || c === 60 || c === 62 || c === 58 || c === 44 || c === 40 || c === 41
    || c === 38 || c === 46;
}

function parseCArray(ctx: Context, masked: string): HexInputResult {
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

// ---------------------------------------------------------------------------------------------
// Escaped strings: \x10\x1a, "\x10\x1a", b'\x10\x0c\x00\x04MQTT', Wireshark's "…as C String"

/** Optional declaration before a string literal: `char pkt[] =`, `data =`. */
const DECLARATION = /^[A-Za-z_][\w \t[\]*<>:&,]*=\s*/;
/** A string literal's start: optional prefix (b, u8, L, r…) and a quote. */
const STRING_START = /^(?:[bB][rR]?|[rR][bB]?|[uU]8?|L)?["']/;

function looksEscaped(text: string): boolean {
  if (/\\(?:[xX][0-9a-fA-F]|[0-7])/.test(text)) return true;
  const start = literalStart(text);
  if (start < 0) return false;
  // b'…' is always a bytes literal; another quoted string only when it uses escapes, since
  // "101a…" or "EBoA…" are hex or base64 wrapped in quotes.
  return /^[bB]/.test(text.slice(start, start + 3)) || text.indexOf('\\') >= 0;
}

/** Where the first string literal starts (after an optional declaration), or -1 if the text doesn't start with one. */
function literalStart(text: string): number {
  const first = firstNonSpace(text);
  const head = text.slice(first, first + 300);
  const declaration = DECLARATION.exec(head);
  const start = first + (declaration === null ? 0 : declaration[0].length);
  return STRING_START.test(text.slice(start, start + 4)) ? start : -1;
}

function parseEscaped(ctx: Context): HexInputResult {
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

interface EscapeState { nonAscii: boolean; literals: number }

/** One or more string literals, joined as C and Python join adjacent literals. Returns whether one was a Python bytes literal. */
function readQuoted(ctx: Context, sink: ByteSink, from: number, state: EscapeState): boolean {
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

function skipComment(ctx: Context, p: number): number {
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
function readLiteral(ctx: Context, sink: ByteSink, open: number, state: EscapeState): number {
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
function readBare(ctx: Context, sink: ByteSink, state: EscapeState): void {
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

function pushLiteral(ctx: Context, sink: ByteSink, p: number, state: EscapeState): number {
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

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** One escape from its backslash; returns the index after it. */
function readEscape(ctx: Context, sink: ByteSink, p: number): number {
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

// ---------------------------------------------------------------------------------------------
// Hex dumps: Wireshark / tshark -x / hexdump -C, xxd, tcpdump -X / -x / -xx

type DumpKind = 'wireshark' | 'xxd' | 'tcpdump';

interface Line { start: number; end: number }

// Each looks at the start of one line only.
const TCPDUMP_LINE = /^[ \t]*0x[0-9a-fA-F]{4,12}:[ \t]/;
const XXD_LINE = /^[ \t]*[0-9a-fA-F]{4,12}:[ \t]+[0-9a-fA-F]{2}/;
// Offset, then at least two spaces (Wireshark writes three, tshark -x and hexdump -C two), then a byte.
const WIRESHARK_LINE = /^[ \t]*[0-9a-fA-F]{4,12}(?: {2,}|\t)[0-9a-fA-F]{2}(?:[ \t]|$)/;
const OFFSET_ONLY = /^[ \t]*[0-9a-fA-F]{4,12}[ \t]*$/;
const SQUEEZED = /^[ \t]*\*[ \t]*$/;
/** tshark -x's headings for extra data sources: "Reassembled TCP (104 bytes):". */
const BLOCK_LABEL = /^[ \t]*[A-Za-z][^\r\n]{0,100}\(\d+ bytes?\):[ \t]*$/;
/** The summary line tcpdump prints before each packet's hex. */
const TCPDUMP_HEADER = /^\s*(?:\d{1,2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}|\d+\.\d{6}\s)|\bIP6? |Flags \[/;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push({ start, end: i });
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push({ start, end: text.length });
  return lines;
}

function lineHead(text: string, line: Line): string {
  return text.slice(line.start, Math.min(line.end, line.start + DETECTION_PREFIX));
}

/**
 * A dump is recognised by its first line; for Wireshark and xxd dumps every other line must also
 * start with an offset, so that a line that merely resembles one does not turn plain hex into a dump.
 */
function detectDump(text: string): { kind: DumpKind; lines: Line[] } | null {
  const first = firstNonSpace(text);
  let lineStart = first;
  while (lineStart > 0 && !isLineBreak(text.charCodeAt(lineStart - 1))) lineStart--;
  let lineEnd = first;
  while (lineEnd < text.length && !isLineBreak(text.charCodeAt(lineEnd))) lineEnd++;
  const head = lineHead(text, { start: lineStart, end: lineEnd });
  let kind: DumpKind;
  if (TCPDUMP_LINE.test(head)) kind = 'tcpdump';
  else if (XXD_LINE.test(head)) kind = 'xxd';
  else if (WIRESHARK_LINE.test(head)) kind = 'wireshark';
  else if (TCPDUMP_HEADER.test(head) && /^[ \t]*0x[0-9a-fA-F]{4,12}:[ \t]/m.test(text)) kind = 'tcpdump';
  else return null;
  const lines = splitLines(text);
  if (kind === 'tcpdump') return { kind, lines };
  const pattern = kind === 'xxd' ? XXD_LINE : WIRESHARK_LINE;
  let lastNonBlank = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!isBlank(text, lines[i]!.start, lines[i]!.end)) {
      lastNonBlank = i;
      break;
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(text, line.start, line.end)) continue;
    const h = lineHead(text, line);
    if (pattern.test(h) || SQUEEZED.test(h) || BLOCK_LABEL.test(h)) continue;
    if (i === lastNonBlank && OFFSET_ONLY.test(h)) continue; // hexdump -C's closing offset
    // xxd writes a line's offset even when the line holds no bytes only in odd cases; accept "0000:".
    if (kind === 'xxd' && /^[ \t]*[0-9a-fA-F]{4,12}:[ \t]*$/.test(h)) continue;
    return null;
  }
  return { kind, lines };
}

interface DumpLineInfo { offset: number; start: number; count: number; line: number }
interface Block { start: number; line: number }

function parseDump(ctx: Context, kind: DumpKind, lines: Line[]): HexInputResult {
  const { text } = ctx;
  const sink = newSink(ctx, text.length >> 2);
  const blocks: Block[] = [];
  let prev: DumpLineInfo | null = null;
  let newBlock = true;
  let squeezed = false;
  let endOffset = -1;
  let endOffsetLine = 0;
  let ignoredLines = 0;
  let sawAscii = false;
  let sawPipe = false;
  const extraTokens: number[] = [];
  const gaps: string[] = [];

  for (let li = 0; li < lines.length; li++) {
    const { start, end } = lines[li]!;
    let p = start;
    while (p < end && isInlineSpace(text.charCodeAt(p))) p++;
    if (p === end) continue;
    let q = p;
    if (kind === 'tcpdump') {
      if (text.charCodeAt(q) === 48 && text.charCodeAt(q + 1) === 120) q += 2;
      else q = -1;
    }
    const offsetStart = q;
    if (q >= 0) while (q < end && hexValue(text.charCodeAt(q)) >= 0) q++;
    const digits = q - offsetStart;
    const offsetEndsRight = kind === 'wireshark' ? q === end || isInlineSpace(text.charCodeAt(q)) : text.charCodeAt(q) === 58;
    if (offsetStart < 0 || digits < 4 || digits > 12 || !offsetEndsRight) {
      const head = lineHead(text, lines[li]!);
      if (kind === 'tcpdump') {
        // tcpdump's per-packet summary line (and -v continuation lines) start a new packet.
        ignoredLines++;
        newBlock = true;
      } else if (SQUEEZED.test(head)) {
        squeezed = true;
      } else if (BLOCK_LABEL.test(head)) {
        ignoredLines++;
        newBlock = true;
      } else {
        throw unexpectedChar(text, p, 'an offset at the start of the dump line');
      }
      continue;
    }
    const offset = parseInt(text.slice(offsetStart, q), 16);
    if (kind !== 'wireshark') q++; // the colon
    let r = q;
    while (r < end && isInlineSpace(text.charCodeAt(r))) r++;

    if (prev !== null && !newBlock) {
      const expected = prev.offset + prev.count;
      if (offset <= prev.offset) {
        newBlock = true; // the offset starts again: another packet
      } else if (squeezed) {
        // hexdump -C and xxd -a write "*" for lines that repeat the one before; the next offset
        // says how many bytes they stood for.
        repeatLine(sink, prev, offset - expected, start);
      } else if (offset < expected) {
        // The line before held more byte-like tokens than the offsets allow: the surplus was the
        // start of its ASCII column (e.g. "ab cd"), not data.
        sink.length = prev.start + (offset - prev.offset);
        extraTokens.push(prev.line);
      } else if (offset > expected) {
        gaps.push(`after line ${prev.line}, offset ${expected.toString(16)} is followed by ${offset.toString(16)} (${formatSize(offset - expected)} missing)`);
      }
    }
    squeezed = false;
    if (r === end) {
      // An offset with nothing after it: hexdump -C's closing line, giving the total length.
      endOffset = offset;
      endOffsetLine = li + 1;
      continue;
    }
    if (newBlock) {
      blocks.push({ start: sink.length, line: li + 1 });
      newBlock = false;
    }
    const lineStart = sink.length;
    const read = readDumpBytes(ctx, sink, kind, r, end);
    sawAscii ||= read.ascii;
    sawPipe ||= read.pipe;
    prev = { offset, start: lineStart, count: sink.length - lineStart, line: li + 1 };
  }
  if (prev !== null && endOffset >= 0) {
    const expected = prev.offset + prev.count;
    if (squeezed && endOffset > expected) repeatLine(sink, prev, endOffset - expected, lines[endOffsetLine - 1]!.start);
    else if (endOffset !== expected && endOffset > prev.offset) {
      ctx.warnings.push(`The closing offset ${endOffset.toString(16)} (line ${endOffsetLine}) says the dump holds ${formatSize(endOffset)}, but ${formatSize(expected)} were read.`);
    }
  }

  if (extraTokens.length > 0) {
    ctx.warnings.push(`Ignored hex-looking text at the end of line${extraTokens.length === 1 ? '' : 's'} ${listLines(extraTokens)}: the next line's offset shows it belongs to the ASCII column.`);
  }
  if (gaps.length > 0) ctx.warnings.push(`The offsets skip bytes that are not in the paste: ${gaps.slice(0, 3).join('; ')}${gaps.length > 3 ? ` (and ${gaps.length - 3} more)` : ''}.`);
  if (blocks.length > 1 && kind !== 'tcpdump') {
    ctx.warnings.push(`The paste holds ${blocks.length} dumps (the offset starts again on line ${blocks[1]!.line}); their bytes were joined in order.`);
  }
  if (ignoredLines > 0 && kind !== 'tcpdump') {
    ctx.warnings.push(`Ignored ${ignoredLines} heading line${ignoredLines === 1 ? '' : 's'} such as "Reassembled TCP (… bytes):".`);
  }

  let bytes = sink.bytes();
  if (kind === 'tcpdump') {
    if (ignoredLines > 0) ctx.warnings.push(`Ignored ${ignoredLines} line${ignoredLines === 1 ? '' : 's'} of tcpdump's packet summaries.`);
    bytes = stripTcpdumpHeaders(ctx, bytes, blocks);
    const description = sawAscii ? 'tcpdump -X hex dump (offset column and ASCII column ignored)' : 'tcpdump -x hex dump (offset column ignored)';
    return result(ctx, bytes, 'tcpdump-x', description);
  }
  warnIfWholeFrame(ctx, bytes, blocks);
  if (kind === 'xxd') return result(ctx, bytes, 'xxd', `xxd hex dump (offset column${sawAscii ? ' and ASCII column' : ''} ignored)`);
  const description = sawPipe
    ? 'hexdump -C output (offset column and |ASCII| column ignored)'
    : `Wireshark hex dump (offset column${sawAscii ? ' and ASCII column' : ''} ignored)`;
  return result(ctx, bytes, 'wireshark-dump', description);
}

function listLines(lines: number[]): string {
  const shown = lines.slice(0, 5).join(', ');
  return lines.length > 5 ? `${shown} and ${lines.length - 5} more` : shown;
}

function repeatLine(sink: ByteSink, prev: DumpLineInfo, count: number, at: number): void {
  if (count <= 0 || prev.count === 0) return;
  sink.reserve(count, at);
  const pattern = sink.buf.slice(prev.start, prev.start + prev.count);
  for (let i = 0; i < count; i++) sink.buf[sink.length++] = pattern[i % pattern.length]!;
}

/**
 * The byte columns of one dump line, from the first byte to where the ASCII column starts.
 * - Wireshark / hexdump -C: two-digit bytes one space apart (two between 8-byte halves); at most 16
 *   per line; three or more spaces, or hexdump's `|`, start the ASCII column.
 * - xxd: groups of any even number of digits one space apart; two spaces start the ASCII column.
 * - tcpdump: groups of four digits (two for an odd last byte) one space apart; at most 16 bytes;
 *   two spaces start the ASCII column.
 * A short last line is padded with spaces before its ASCII column, so the gap rule finds it too.
 */
function readDumpBytes(ctx: Context, sink: ByteSink, kind: DumpKind, from: number, end: number): { ascii: boolean; pipe: boolean } {
  const { text } = ctx;
  const maxGap = kind === 'wireshark' ? 2 : 1;
  const perLine = kind === 'xxd' ? Infinity : 16;
  let count = 0;
  let p = from;
  while (p < end) {
    if (kind === 'wireshark' && text.charCodeAt(p) === 124) return { ascii: true, pipe: true };
    const runStart = p;
    while (p < end && hexValue(text.charCodeAt(p)) >= 0) p++;
    if (p < end && !isInlineSpace(text.charCodeAt(p))) throw unexpectedChar(text, p, 'a hex digit in the dump\'s byte columns');
    const digits = p - runStart;
    if (digits % 2 === 1) throw oddRun(ctx, runStart, p);
    if (kind === 'wireshark' && digits !== 2) throw errorAt(text, runStart, `Expected a byte as two hex digits, found ${digits} digits`);
    if (kind === 'tcpdump' && digits > 4) throw errorAt(text, runStart, `Expected groups of four hex digits, found ${digits}`);
    if (count + digits / 2 > perLine) throw errorAt(text, runStart, 'More than 16 bytes on one dump line');
    for (let i = runStart; i < p; i += 2) sink.push((hexValue(text.charCodeAt(i)) << 4) | hexValue(text.charCodeAt(i + 1)), i);
    count += digits / 2;
    const gapStart = p;
    let tab = false;
    while (p < end && isInlineSpace(text.charCodeAt(p))) {
      if (text.charCodeAt(p) === 9) tab = true;
      p++;
    }
    if (p >= end) return { ascii: false, pipe: false };
    if (count >= perLine || tab || p - gapStart > maxGap) return { ascii: true, pipe: text.charCodeAt(p) === 124 };
  }
  return { ascii: false, pipe: false };
}

// ---------------------------------------------------------------------------------------------
// Network headers in front of the payload

interface FrameLayout {
  /** 14 for an Ethernet header (tcpdump -xx), 0 when the bytes start with the IP header. */
  linkLength: number;
  ipVersion: 4 | 6;
  ipHeaderLength: number;
  protocol: number;
  /** Null when the packet isn't TCP or its TCP header can't be read; `problem` says why. */
  tcpHeaderLength: number | null;
  problem: string | null;
  payloadStart: number;
  payloadEnd: number;
  /** Bytes the IP header claims beyond those in the dump (a capture cut short by its snapshot length). */
  missing: number;
  /** Bytes after the IP packet's end (Ethernet padding). */
  trailing: number;
}

/** Reads IPv4/IPv6 + TCP headers at `start`, or Ethernet + IP + TCP; null if the bytes don't start with IP. */
function analyzeFrame(b: Uint8Array, start: number, end: number): FrameLayout | null {
  let p = start;
  let linkLength = 0;
  const v0 = b[p] ?? 0;
  const startsWithIp = (v0 >= 0x45 && v0 <= 0x4f && end - p >= 20) || (v0 >> 4 === 6 && end - p >= 40);
  if (!startsWithIp && end - p >= 34) {
    const etherType = (b[p + 12]! << 8) | b[p + 13]!;
    const version = b[p + 14]! >> 4;
    if ((etherType === 0x0800 && version === 4) || (etherType === 0x86dd && version === 6)) {
      linkLength = 14;
      p += 14;
    }
  }
  const first = b[p] ?? 0;
  let ipVersion: 4 | 6;
  let ipHeaderLength: number;
  let protocol: number;
  let declaredLength: number;
  let fragment = false;
  if (first >= 0x45 && first <= 0x4f && end - p >= 20) {
    ipVersion = 4;
    ipHeaderLength = (first & 0x0f) * 4;
    declaredLength = (b[p + 2]! << 8) | b[p + 3]!;
    protocol = b[p + 9]!;
    fragment = (((b[p + 6]! & 0x1f) << 8) | b[p + 7]!) !== 0;
  } else if (first >> 4 === 6 && end - p >= 40) {
    ipVersion = 6;
    ipHeaderLength = 40;
    const payloadLength = (b[p + 4]! << 8) | b[p + 5]!;
    declaredLength = payloadLength === 0 ? 0 : 40 + payloadLength;
    protocol = b[p + 6]!;
  } else {
    return null;
  }
  // A length of 0 is what segmentation offload leaves in captured headers: trust the dump then.
  const declaredEnd = declaredLength >= ipHeaderLength ? p + declaredLength : end;
  const ipEnd = Math.min(end, declaredEnd);
  const layout: FrameLayout = {
    linkLength, ipVersion, ipHeaderLength, protocol, tcpHeaderLength: null, problem: null,
    payloadStart: start, payloadEnd: end, missing: Math.max(0, declaredEnd - end), trailing: Math.max(0, end - declaredEnd),
  };
  const tcpStart = p + ipHeaderLength;
  if (protocol !== 6 && ipVersion === 6) {
    const extension = [0, 43, 44, 60].includes(protocol) ? ' (IPv6 extension headers are not followed)' : '';
    layout.problem = `its next header is ${protocol}, not TCP (6)${extension}`;
  } else if (protocol !== 6) layout.problem = `its protocol is ${protocol}, not TCP (6)`;
  else if (fragment) layout.problem = 'it is a fragment without the TCP header';
  else if (ipEnd - tcpStart < 20) layout.problem = 'its TCP header is cut short';
  else {
    const tcpHeaderLength = (b[tcpStart + 12]! >> 4) * 4;
    if (tcpHeaderLength < 20 || tcpStart + tcpHeaderLength > ipEnd) layout.problem = `its TCP header length (${tcpHeaderLength}) does not fit`;
    else {
      layout.tcpHeaderLength = tcpHeaderLength;
      layout.payloadStart = tcpStart + tcpHeaderLength;
      layout.payloadEnd = ipEnd;
    }
  }
  return layout;
}

function layoutName(layout: FrameLayout): string {
  return `${layout.linkLength > 0 ? 'an Ethernet header and then ' : ''}an IPv${layout.ipVersion} header`;
}

function headerSizes(layout: FrameLayout): string {
  const parts = [];
  if (layout.linkLength > 0) parts.push(`Ethernet ${layout.linkLength}`);
  parts.push(`IPv${layout.ipVersion} ${layout.ipHeaderLength}`, `TCP ${layout.tcpHeaderLength ?? 0}`);
  return parts.join(' + ');
}

/**
 * tcpdump prints packets from the IP header on (or from the Ethernet header with -xx): keep only
 * each packet's TCP payload, which is where the MQTT bytes are.
 */
function stripTcpdumpHeaders(ctx: Context, bytes: Uint8Array, blocks: Block[]): Uint8Array {
  if (blocks.length === 0) return bytes;
  const layouts = blocks.map((block, i) => analyzeFrame(bytes, block.start, i + 1 < blocks.length ? blocks[i + 1]!.start : bytes.length));
  const first = layouts[0];
  if (first === null || first === undefined) return bytes;
  const single = blocks.length === 1;
  ctx.warnings.push(single
    ? `The tcpdump output starts with ${layoutName(first)}: tcpdump prints the IP and TCP headers in front of the MQTT bytes.`
    : `The tcpdump output holds ${blocks.length} packets; the first starts with ${layoutName(first)}: tcpdump prints the IP and TCP headers in front of the MQTT bytes.`);
  if (!ctx.stripNetworkHeaders) {
    ctx.warnings.push('The headers were kept, as asked.');
    return bytes;
  }
  const parts: Uint8Array[] = [];
  let strippedBytes = 0;
  let strippedPackets = 0;
  let payloadBytes = 0;
  const notes: string[] = [];
  layouts.forEach((layout, i) => {
    const start = blocks[i]!.start;
    const end = i + 1 < blocks.length ? blocks[i + 1]!.start : bytes.length;
    const which = single ? 'The packet' : `Packet ${i + 1} (line ${blocks[i]!.line})`;
    if (layout === null || layout.tcpHeaderLength === null) {
      notes.push(`${which} was kept whole: ${layout === null ? 'it does not start with an IPv4 or IPv6 header' : layout.problem}.`);
      parts.push(bytes.subarray(start, end));
      return;
    }
    strippedPackets++;
    strippedBytes += layout.payloadStart - start;
    payloadBytes += layout.payloadEnd - layout.payloadStart;
    parts.push(bytes.subarray(layout.payloadStart, layout.payloadEnd));
    if (single) {
      notes.push(layout.payloadEnd > layout.payloadStart
        ? `Stripped the first ${formatSize(layout.payloadStart - start)} (${headerSizes(layout)}) and kept the ${formatSize(layout.payloadEnd - layout.payloadStart)} of TCP payload.`
        : `Stripped the ${formatSize(layout.payloadStart - start)} of headers (${headerSizes(layout)}); the TCP segment carries no payload, so no bytes remain.`);
    }
    if (layout.missing > 0) notes.push(`${which} is cut short: its IP header announces ${formatSize(layout.missing)} more than the dump shows (tcpdump's snapshot length?).`);
    if (layout.trailing > 0) notes.push(`${which} is followed by ${formatSize(layout.trailing)} after the end of its IP packet (Ethernet padding?), which were dropped.`);
  });
  if (!single && strippedPackets > 0) {
    ctx.warnings.push(`Stripped the IP and TCP headers of ${strippedPackets} packet${strippedPackets === 1 ? '' : 's'} (${formatSize(strippedBytes)} in all) and joined their TCP payloads (${formatSize(payloadBytes)}).`);
  }
  ctx.warnings.push(...notes.slice(0, 6));
  if (notes.length > 6) ctx.warnings.push(`(${notes.length - 6} more notes like these.)`);
  return concat(parts);
}

/** Wireshark or xxd bytes of a whole frame decode as nonsense MQTT: say where the payload starts. */
function warnIfWholeFrame(ctx: Context, bytes: Uint8Array, blocks: Block[]): void {
  if (blocks.length === 0) return;
  const end = blocks.length > 1 ? blocks[1]!.start : bytes.length;
  const layout = analyzeFrame(bytes, 0, end);
  if (layout === null || layout.tcpHeaderLength === null || layout.missing > 0) return;
  const offset = layout.payloadStart;
  ctx.warnings.push(`These bytes look like a whole captured frame: ${headerSizes(layout)} bytes of headers come first, and the TCP payload starts at offset ${offset} (0x${offset.toString(16)}). In Wireshark, select the MQTT layer before copying to get only its bytes.`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Base64, tried only when the text is not hex in any accepted form

const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
const BASE64URL_62 = 45; // '-'
const BASE64URL_63 = 95; // '_'

function tryBase64(ctx: Context, hexError: HexInputError): HexInputResult | null {
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

// ---------------------------------------------------------------------------------------------
// Rendering

const HEX_DIGITS = '0123456789abcdef';
/** Character codes of each byte's two lowercase hex digits. */
const HEX_CODES = new Uint16Array(512);
const C_BYTES: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_CODES[2 * i] = HEX_DIGITS.charCodeAt(i >> 4);
  HEX_CODES[2 * i + 1] = HEX_DIGITS.charCodeAt(i & 15);
  C_BYTES.push(`0x${HEX_DIGITS[i >> 4]}${HEX_DIGITS[i & 15]}`);
}

/**
 * Lowercase hex, `separator` between bytes: toHex(b, ' ') → "10 1a 00". Builds character codes in
 * a typed array and converts them in chunks, which stays fast for megabytes.
 */
export function toHex(bytes: Uint8Array, separator = ''): string {
  const n = bytes.length;
  if (n === 0) return '';
  const sep = Array.from(separator, (_, i) => separator.charCodeAt(i));
  const stride = 2 + sep.length;
  // fromCharCode.apply takes its arguments on the stack: keep each call well below engine limits.
  const perChunk = Math.max(1, Math.floor(8192 / stride));
  const units = new Uint16Array(perChunk * stride);
  const parts: string[] = [];
  for (let from = 0; from < n; from += perChunk) {
    const to = Math.min(n, from + perChunk);
    let k = 0;
    for (let i = from; i < to; i++) {
      if (i > 0) for (let s = 0; s < sep.length; s++) units[k++] = sep[s]!;
      const at = bytes[i]! << 1;
      units[k++] = HEX_CODES[at]!;
      units[k++] = HEX_CODES[at + 1]!;
    }
    parts.push(String.fromCharCode.apply(null, units.subarray(0, k) as unknown as number[]));
  }
  return parts.join('');
}

/**
 * A C initializer, 16 bytes per line:
 * "const uint8_t packet[] = {\n  0x10, 0x1a, …\n};". A name that is not a C identifier is made into
 * one (invalid characters become _), so whatever a user types still yields compilable C.
 */
export function toCArray(bytes: Uint8Array, name = 'packet'): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `_${id}`;
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const end = Math.min(bytes.length, i + 16);
    let line = '  ';
    for (let j = i; j < end; j++) line += (j > i ? ', ' : '') + C_BYTES[bytes[j]!];
    lines.push(end < bytes.length ? `${line},` : line);
  }
  return `const uint8_t ${id}[] = {\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}};`;
}
