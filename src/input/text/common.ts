/**
 * Shared by every text format: result types, errors that point at a line and column, character
 * classes, and a byte sink with a hard size cap.
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
export class InputLimitError extends HexInputError {}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
// The wordiest accepted spelling is a C array ("0x10, " is six characters per byte, more with
// comments and indentation), and hexdump -C takes about five: three characters per byte would
// refuse legitimate input close to maxBytes. The text is refused before any parsing beyond this.
export const MAX_CHARS_PER_BYTE = 8;
export const CHAR_SLACK = 64 * 1024;
/** Characters of context on each side of an error, so a message never carries a large paste. */
export const SNIPPET_RADIUS = 20;
/** Lines looked at when deciding whether a line is a dump line or a tcpdump header. */
export const DETECTION_PREFIX = 200;

// ---------------------------------------------------------------------------------------------
// Characters

export const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

export function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c]! : -1;
}

/** Whitespace, including the Unicode spaces that copying from web pages and chat apps brings along. */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029
    || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

export function isInlineSpace(c: number): boolean {
  return isSpaceCode(c) && !isLineBreak(c);
}

/** Whether a code point can be shown as itself in a message without hiding or reordering text. */
export function isVisible(cp: number): boolean {
  if (cp <= 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp === 0xad) return false;
  if (cp >= 0x300 && cp <= 0x36f) return false; // combining marks draw onto their neighbour
  if (cp >= 0xd800 && cp <= 0xdfff) return false; // lone surrogate
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f)) return false;
  if (cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f)) return false;
  return !isSpaceCode(cp);
}

export function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `'g' (U+0067)`, or just `U+200B` for characters that would be invisible or unsafe to show. */
export function describeCharAt(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  return isVisible(cp) ? `'${String.fromCodePoint(cp)}' (${codePointName(cp)})` : codePointName(cp);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${formatCount(bytes)} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${formatCount(bytes)} bytes (${bytes / 1024} KiB)`;
  return `${formatCount(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// Positions and errors

export interface Location { line: number; column: number; lineStart: number }

/** Found only when an error is raised, so the happy path never pays for line counting. */
export function locate(text: string, index: number): Location {
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

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Up to SNIPPET_RADIUS characters either side of `index` on its line, made printable. */
export function snippetAround(text: string, index: number, lineStart: number): string {
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

export function errorAt(text: string, index: number, message: string): HexInputError {
  const where = locate(text, index);
  const snippet = snippetAround(text, index, where.lineStart);
  const full = snippet.trim() === '' ? message : `${message}, near "${snippet}"`;
  return new HexInputError(full, where.line, where.column, snippet);
}

export function limitErrorAt(text: string, index: number, message: string): InputLimitError {
  const where = locate(text, index);
  return new InputLimitError(message, where.line, where.column, snippetAround(text, index, where.lineStart));
}

export function unexpectedChar(text: string, index: number, expected: string): HexInputError {
  return errorAt(text, index, `Unexpected character ${describeCharAt(text, index)}: expected ${expected}`);
}

/** Collects bytes with a hard cap, so that an oversized paste fails at the byte that crosses it. */
export class ByteSink {
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

export interface Context {
  /** The text as pasted: errors point into it. */
  text: string;
  /** The same text with ignorable parts (comments, surrounding quotes) blanked to spaces, same length. */
  work: string;
  maxBytes: number;
  stripNetworkHeaders: boolean;
  warnings: string[];
}

export function newSink(ctx: Context, expectedBytes: number): ByteSink {
  return new ByteSink(ctx.text, ctx.maxBytes, expectedBytes);
}

export function result(ctx: Context, bytes: Uint8Array, format: HexInputFormat, description: string): HexInputResult {
  return { bytes, format, description, warnings: ctx.warnings };
}

export function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpaceCode(text.charCodeAt(i))) return false;
  return true;
}

export function firstNonSpace(text: string, from = 0): number {
  let i = from;
  while (i < text.length && isSpaceCode(text.charCodeAt(i))) i++;
  return i;
}

export function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i;
}
