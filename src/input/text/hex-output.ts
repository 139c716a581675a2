/**
 * Rendering bytes as hex text and as a C initializer.
 */
export const HEX_DIGITS = '0123456789abcdef';
/** Character codes of each byte's two lowercase hex digits. */
export const HEX_CODES = new Uint16Array(512);
export const C_BYTES: string[] = [];
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
