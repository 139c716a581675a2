/**
 * Turns whatever hex a user pastes into bytes, and says which spelling it recognised: plain hex
 * (continuous, spaced, colon- or dash-separated), 0x lists, C arrays, \x-escaped strings, hex dumps
 * from Wireshark, tcpdump -X, xxd and hexdump -C, and base64.
 *
 * Everything here is one linear pass (or a few) over the text with charCodeAt: a multi-megabyte
 * paste must not freeze a browser tab, so there are no regular expressions over the whole input
 * that could backtrack, and no per-character string building.
 */
import { tryBase64 } from './base64.ts';
import { parseCArray } from './c-array.ts';
import { type HexInputResult, type HexInputOptions, HexInputError, InputLimitError, DEFAULT_MAX_BYTES, MAX_CHARS_PER_BYTE, CHAR_SLACK, formatCount, formatSize, errorAt, limitErrorAt, type Context, result, isBlank, firstNonSpace, lastNonSpace } from './common.ts';
import { detectDump, parseDump } from './dump.ts';
import { looksEscaped, parseEscaped } from './escaped.ts';
import { blankSurroundingQuotes, blankComments, parseHex0x } from './hex-0x.ts';
import { parsePlainHex } from './plain-hex.ts';

export { HexInputError, type HexInputFormat, type HexInputOptions, type HexInputResult } from './common.ts';
export { toHex, toCArray } from './hex-output.ts';


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


export function parseAsHex(ctx: Context): HexInputResult {
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
