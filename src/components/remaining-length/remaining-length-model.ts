/**
 * The pure model of the remaining-length calculator: a number or a byte string in, the
 * variable byte integer walk out, with every way it can be wrong named.
 */
import {
  encodeVariableByteInteger, MAX_VARIABLE_BYTE_INTEGER, traceEncodedVariableByteInteger, type VariableByteIntegerStep,
} from '../../mqtt/codec/index.ts';

export interface RemainingLengthView {
  ok: boolean;
  value: number | null;
  bytes: number[];
  steps: VariableByteIntegerStep[];
  /** Plain-language problem, when not ok. */
  problem: string | null;
  rule: string | null;
}

/** From a decimal length (what the builder knows) to its encoding. */
export function fromValue(text: string): RemainingLengthView {
  const trimmed = text.trim();
  if (!/^\d{1,12}$/.test(trimmed)) {
    return { ok: false, value: null, bytes: [], steps: [], problem: 'Type a whole number of bytes, such as 321.', rule: null };
  }
  const value = Number(trimmed);
  if (value > MAX_VARIABLE_BYTE_INTEGER) {
    return { ok: false, value, bytes: [], steps: [], problem: `${value.toLocaleString('en')} is more than four 7-bit groups can hold; the largest remaining length is ${MAX_VARIABLE_BYTE_INTEGER.toLocaleString('en')} (about 256 MB).`, rule: 'MQTT-3.1.1 §2.2.3' };
  }
  const bytes = Array.from(encodeVariableByteInteger(value));
  return { ok: true, value, bytes, steps: traceEncodedVariableByteInteger(Uint8Array.from(bytes)), problem: null, rule: null };
}

/** From bytes as seen in a capture (hex) to the value, catching over-long and non-minimal forms. */
export function fromBytes(text: string): RemainingLengthView {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(digits)) {
    return { ok: false, value: null, bytes: [], steps: [], problem: 'Type the bytes in hex, for example c1 02.', rule: null };
  }
  const bytes = digits.match(/../g)!.map((pair) => parseInt(pair, 16));
  if (bytes.length > 5) {
    return { ok: false, value: null, bytes, steps: [], problem: 'A remaining length is one to four bytes long.', rule: 'MQTT-3.1.1 §2.2.3' };
  }
  const steps = traceEncodedVariableByteInteger(Uint8Array.from(bytes));
  const last = steps[steps.length - 1]!;
  if (last.continuation) {
    return steps.length === 4
      ? { ok: false, value: null, bytes, steps, problem: 'The fourth byte still has its continuation bit set, but a fifth byte is never allowed: this is a malformed packet.', rule: 'MQTT-3.1.1 §2.2.3' }
      : { ok: false, value: null, bytes, steps, problem: `Byte ${steps.length} has its continuation bit set, so another byte must follow.`, rule: null };
  }
  if (steps.length < bytes.length) {
    return { ok: false, value: last.runningValue, bytes, steps, problem: `The value ends at byte ${steps.length} (its continuation bit is 0); the ${bytes.length - steps.length} byte(s) after it belong to the rest of the packet.`, rule: null };
  }
  if (steps.length > 1 && last.group === 0) {
    return { ok: false, value: last.runningValue, bytes, steps, problem: `Not minimal: the last byte adds nothing, so ${last.runningValue} should be written in ${steps.length - 1} byte(s). MQTT 5.0 calls this malformed.`, rule: 'MQTT-1.5.5-1' };
  }
  return { ok: true, value: last.runningValue, bytes, steps, problem: null, rule: null };
}

export const toBinary = (byte: number) => byte.toString(2).padStart(8, '0');
