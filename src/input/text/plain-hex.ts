/**
 * Plain hex: 101a0004, 10 1a 00 04, 10:1a:00:04, 10-1a-00-04, across lines.
 */
import { type HexInputResult, HexInputError, hexValue, isSpaceCode, isLineBreak, formatCount, errorAt, unexpectedChar, type Context, newSink, result } from './common.ts';

export const SEP_SPACES = 1;
export const SEP_COLONS = 2;
export const SEP_DASHES = 4;
export const SEP_COMMAS = 8;
export const SEP_LINE_BREAKS = 16;
export const SEPARATOR_NAMES = ['spaces', 'colons', 'dashes', 'commas', 'line breaks'];

export function parsePlainHex(ctx: Context, masked: string, note: string): HexInputResult {
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

export function oddRun(ctx: Context, start: number, end: number): HexInputError {
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
