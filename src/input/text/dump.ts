/**
 * Hex dumps: Wireshark / tshark -x / hexdump -C, xxd, tcpdump -X / -x / -xx.
 */
import { type HexInputResult, DETECTION_PREFIX, hexValue, isLineBreak, isInlineSpace, formatSize, errorAt, unexpectedChar, ByteSink, type Context, newSink, result, isBlank, firstNonSpace } from './common.ts';
import { stripTcpdumpHeaders, warnIfWholeFrame } from './network-headers.ts';
import { oddRun } from './plain-hex.ts';

export type DumpKind = 'wireshark' | 'xxd' | 'tcpdump';

export interface Line { start: number; end: number }

// Each looks at the start of one line only.
export const TCPDUMP_LINE = /^[ \t]*0x[0-9a-fA-F]{4,12}:[ \t]/;
export const XXD_LINE = /^[ \t]*[0-9a-fA-F]{4,12}:[ \t]+[0-9a-fA-F]{2}/;
// Offset, then at least two spaces (Wireshark writes three, tshark -x and hexdump -C two), then a byte.
export const WIRESHARK_LINE = /^[ \t]*[0-9a-fA-F]{4,12}(?: {2,}|\t)[0-9a-fA-F]{2}(?:[ \t]|$)/;
export const OFFSET_ONLY = /^[ \t]*[0-9a-fA-F]{4,12}[ \t]*$/;
export const SQUEEZED = /^[ \t]*\*[ \t]*$/;
/** tshark -x's headings for extra data sources: "Reassembled TCP (104 bytes):". */
export const BLOCK_LABEL = /^[ \t]*[A-Za-z][^\r\n]{0,100}\(\d+ bytes?\):[ \t]*$/;
/** The summary line tcpdump prints before each packet's hex. */
export const TCPDUMP_HEADER = /^\s*(?:\d{1,2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}|\d+\.\d{6}\s)|\bIP6? |Flags \[/;

export function splitLines(text: string): Line[] {
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

export function lineHead(text: string, line: Line): string {
  return text.slice(line.start, Math.min(line.end, line.start + DETECTION_PREFIX));
}

/**
 * A dump is recognised by its first line; for Wireshark and xxd dumps every other line must also
 * start with an offset, so that a line that merely resembles one does not turn plain hex into a dump.
 */
export function detectDump(text: string): { kind: DumpKind; lines: Line[] } | null {
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

export interface DumpLineInfo { offset: number; start: number; count: number; line: number }
export interface Block { start: number; line: number }

export function parseDump(ctx: Context, kind: DumpKind, lines: Line[]): HexInputResult {
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

export function listLines(lines: number[]): string {
  const shown = lines.slice(0, 5).join(', ');
  return lines.length > 5 ? `${shown} and ${lines.length - 5} more` : shown;
}

export function repeatLine(sink: ByteSink, prev: DumpLineInfo, count: number, at: number): void {
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
export function readDumpBytes(ctx: Context, sink: ByteSink, kind: DumpKind, from: number, end: number): { ascii: boolean; pipe: boolean } {
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
