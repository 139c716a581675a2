/**
 * The pure model of the remaining-length calculator: a number or a byte string in, the
 * variable byte integer walk out, with every way it can be wrong named.
 */
import {
  encodeVariableByteInteger, MAX_VARIABLE_BYTE_INTEGER, traceEncodedVariableByteInteger, type VariableByteIntegerStep,
} from '../../mqtt/codec/index.ts';
import type { Message } from '../i18n/catalogue.ts';

export interface RemainingLengthView {
  ok: boolean;
  value: number | null;
  bytes: number[];
  steps: VariableByteIntegerStep[];
  /** What is wrong, when not ok: a catalogue message ('builder.rl.…'). */
  problem: Message | null;
  rule: string | null;
}

/** From a decimal length (what the builder knows) to its encoding. */
export function fromValue(text: string): RemainingLengthView {
  const trimmed = text.trim();
  if (!/^\d{1,12}$/.test(trimmed)) {
    return { ok: false, value: null, bytes: [], steps: [], problem: { key: 'builder.rl.notNumber' }, rule: null };
  }
  const value = Number(trimmed);
  if (value > MAX_VARIABLE_BYTE_INTEGER) {
    return { ok: false, value, bytes: [], steps: [], problem: { key: 'builder.rl.tooLarge', values: { value, max: MAX_VARIABLE_BYTE_INTEGER } }, rule: 'MQTT-3.1.1 §2.2.3' };
  }
  const bytes = Array.from(encodeVariableByteInteger(value));
  return { ok: true, value, bytes, steps: traceEncodedVariableByteInteger(Uint8Array.from(bytes)), problem: null, rule: null };
}

/** From bytes as seen in a capture (hex) to the value, catching over-long and non-minimal forms. */
export function fromBytes(text: string): RemainingLengthView {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(digits)) {
    return { ok: false, value: null, bytes: [], steps: [], problem: { key: 'builder.rl.notHex' }, rule: null };
  }
  const bytes = digits.match(/../g)!.map((pair) => parseInt(pair, 16));
  if (bytes.length > 5) {
    return { ok: false, value: null, bytes, steps: [], problem: { key: 'builder.rl.tooManyBytes' }, rule: 'MQTT-3.1.1 §2.2.3' };
  }
  const steps = traceEncodedVariableByteInteger(Uint8Array.from(bytes));
  const last = steps[steps.length - 1]!;
  if (last.continuation) {
    return steps.length === 4
      ? { ok: false, value: null, bytes, steps, problem: { key: 'builder.rl.fifthByte' }, rule: 'MQTT-3.1.1 §2.2.3' }
      : { ok: false, value: null, bytes, steps, problem: { key: 'builder.rl.needMore', values: { n: steps.length } }, rule: null };
  }
  if (steps.length < bytes.length) {
    return { ok: false, value: last.runningValue, bytes, steps, problem: { key: 'builder.rl.endsEarly', values: { n: steps.length, rest: bytes.length - steps.length } }, rule: null };
  }
  if (steps.length > 1 && last.group === 0) {
    return { ok: false, value: last.runningValue, bytes, steps, problem: { key: 'builder.rl.notMinimal', values: { value: last.runningValue, shorter: steps.length - 1 } }, rule: 'MQTT-1.5.5-1' };
  }
  return { ok: true, value: last.runningValue, bytes, steps, problem: null, rule: null };
}

