/** Payloads and long strings as display text (no codec needed, so the widget's first chunk stays small). */
const MAX_TEXT = 40;

export function clipText(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The payload as text when it is printable UTF-8, else its length. */
export function payloadText(payload: Uint8Array): { text: string; printable: boolean } {
  if (payload.length === 0) return { text: '', printable: true };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { text: `${payload.length} bytes`, printable: false };
  }
  // Control characters other than tab / newline make it binary for display purposes.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { text: `${payload.length} bytes`, printable: false };
  return { text, printable: true };
}

