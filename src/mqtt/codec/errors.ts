import type { CodecMessage } from './types.ts';

/**
 * Two distinct failures, as msgpack-javascript separates them: the bytes so far are a valid
 * prefix but the packet is not complete yet (wait for more), or the bytes can never be a valid
 * packet (close the connection, explain which rule broke).
 */

/** The input ends before the packet does. `needed` is how many more bytes at least are required. */
export class IncompletePacketError extends Error {
  override readonly name = 'IncompletePacketError';
  readonly offset: number;
  readonly needed: number;
  readonly field: string;
  constructor(offset: number, needed: number, field: string) {
    super(`incomplete: ${field} +${needed} at ${offset}`);
    this.offset = offset;
    this.needed = needed;
    this.field = field;
  }
}

/**
 * The bytes break a rule of the specification. `offset` is the absolute byte offset of the
 * offending field in the input, `field` its dotted path (e.g. `fixedHeader.flags.qos`), `rule` the
 * spec's normative statement id (e.g. `MQTT-3.3.1-4`) or a section reference where the spec states
 * the requirement without an id (e.g. `MQTT-5.0 §2.2.2.2`).
 */
export class MalformedPacketError extends Error {
  override readonly name = 'MalformedPacketError';
  readonly offset: number;
  readonly field: string;
  readonly rule: string;
  /** What is wrong, as a message the views render per language (catalogue section `codec`). */
  readonly explanation: CodecMessage;
  constructor(offset: number, field: string, rule: string, explanation: CodecMessage) {
    // Error.message is for developers' logs: the key, the rule and the place; readers get the catalogue's text.
    super(`${explanation.key} (${rule}; ${field} at byte ${offset})`);
    this.offset = offset;
    this.field = field;
    this.rule = rule;
    this.explanation = explanation;
  }
}

/** An encoder was asked to produce a packet the decoder would reject. Same shape as a decode error. */
export class InvalidPacketError extends Error {
  override readonly name = 'InvalidPacketError';
  readonly field: string;
  readonly rule: string;
  readonly explanation: CodecMessage;
  constructor(field: string, rule: string, explanation: CodecMessage) {
    super(`${explanation.key} (${rule}; ${field})`);
    this.field = field;
    this.rule = rule;
    this.explanation = explanation;
  }
}

export type CodecError = IncompletePacketError | MalformedPacketError;

export function isCodecError(error: unknown): error is CodecError {
  return error instanceof IncompletePacketError || error instanceof MalformedPacketError;
}
