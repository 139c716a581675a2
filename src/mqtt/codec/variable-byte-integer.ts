/**
 * Variable Byte Integer (MQTT 3.1.1 §2.2.3 "Remaining Length", MQTT 5.0 §1.5.5): seven value bits
 * per byte, least significant group first, the top bit saying "another byte follows". At most four
 * bytes, so the largest value is 268 435 455.
 */

export const MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

/** How many bytes the minimal encoding of `value` takes (1–4). */
export function variableByteIntegerSize(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  return 4;
}

export function encodeVariableByteInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARIABLE_BYTE_INTEGER) {
    throw new RangeError(`A variable byte integer holds 0 to ${MAX_VARIABLE_BYTE_INTEGER}, not ${value}`);
  }
  const out = new Uint8Array(variableByteIntegerSize(value));
  let rest = value;
  for (let i = 0; i < out.length; i++) {
    const group = rest % 128;
    rest = Math.floor(rest / 128);
    out[i] = rest > 0 ? group | 0x80 : group;
  }
  return out;
}

/** One byte of a variable byte integer, as a teacher would walk through it. */
export interface VariableByteIntegerStep {
  /** Index of the byte within the encoding, 0 first. */
  index: number;
  byte: number;
  /** The low seven bits. */
  group: number;
  continuation: boolean;
  /** 128^index: what this group is worth. */
  multiplier: number;
  /** The value decoded so far, after this byte. */
  runningValue: number;
}

/** The step-by-step encoding of `value`, for the builder's remaining-length panel. */
export function traceVariableByteInteger(value: number): VariableByteIntegerStep[] {
  const bytes = encodeVariableByteInteger(value);
  return traceEncodedVariableByteInteger(bytes);
}

/**
 * Walks already-encoded bytes (as read from a packet). Stops after the first byte without the
 * continuation bit, or after four bytes.
 */
export function traceEncodedVariableByteInteger(bytes: Uint8Array): VariableByteIntegerStep[] {
  const steps: VariableByteIntegerStep[] = [];
  let multiplier = 1;
  let value = 0;
  for (let index = 0; index < bytes.length && index < 4; index++) {
    const byte = bytes[index]!;
    const group = byte & 0x7f;
    value += group * multiplier;
    const continuation = (byte & 0x80) !== 0;
    steps.push({ index, byte, group, continuation, multiplier, runningValue: value });
    if (!continuation) break;
    multiplier *= 128;
  }
  return steps;
}
