/**
 * Variable Byte Integers (3.1.1 §2.2.3, 5.0 §1.5.5) at every boundary between encoded widths,
 * encoded by hand: seven value bits per byte, least significant group first, top bit = "more".
 */
import { describe, expect, it } from 'vitest';
import {
  bytesToHex, decodePacket, encodeVariableByteInteger, MalformedPacketError, MAX_VARIABLE_BYTE_INTEGER, readFixedHeader,
  traceEncodedVariableByteInteger, traceVariableByteInteger, variableByteIntegerSize,
} from '../../src/mqtt/codec/index.ts';
import { concat, hexToBytes } from './fixtures.ts';

/** [value, its encoding] — worked out by hand. */
const BOUNDARIES: Array<[number, string]> = [
  [0, '00'],
  [127, '7f'], // largest one-byte value: 0x7f
  [128, '8001'], // 0 + 1×128
  [16_383, 'ff7f'], // 127 + 127×128
  [16_384, '808001'], // 1×128²
  [2_097_151, 'ffff7f'], // 127 + 127×128 + 127×128²
  [2_097_152, '80808001'], // 1×128³
  [268_435_455, 'ffffff7f'], // the largest: 128⁴ − 1
];

describe('variable byte integers at the width boundaries', () => {
  for (const [value, hex] of BOUNDARIES) {
    it(`encodes ${value} as ${hex} and decodes it back`, () => {
      expect(bytesToHex(encodeVariableByteInteger(value))).toBe(hex);
      expect(variableByteIntegerSize(value)).toBe(hex.length / 2);
      // Decoded as a remaining length: only the fixed header is read.
      const header = readFixedHeader(concat(Uint8Array.of(0x30), hexToBytes(hex)), 0, 4);
      expect(header.remainingLength).toBe(value);
      expect(header.headerLength).toBe(1 + hex.length / 2);
      // Decoded step by step.
      const steps = traceEncodedVariableByteInteger(hexToBytes(hex));
      expect(steps).toHaveLength(hex.length / 2);
      expect(steps.at(-1)!.runningValue).toBe(value);
      expect(steps.map((s) => s.continuation)).toEqual(steps.map((_, i) => i < steps.length - 1));
    });
  }

  it('calls 268 435 455 the largest value', () => {
    expect(MAX_VARIABLE_BYTE_INTEGER).toBe(268_435_455);
  });

  for (const bad of [268_435_456, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses to encode ${bad}`, () => {
      expect(() => encodeVariableByteInteger(bad)).toThrow(RangeError);
    });
  }

  it('decodes the boundaries inside a packet too, as 5.0 Subscription Identifiers', () => {
    for (const [value, hex] of BOUNDARIES) {
      if (value === 0) continue; // 0 is not a valid Subscription Identifier
      const property = `0b${hex}`;
      const propertyLength = property.length / 2;
      // PUBLISH QoS 0, topic "a", property block, no payload.
      const body = `000161${propertyLength.toString(16).padStart(2, '0')}${property}`;
      const packet = hexToBytes(`30${(body.length / 2).toString(16).padStart(2, '0')}${body}`);
      const decoded = decodePacket(packet, { protocolVersion: 5 }).packet;
      expect(decoded).toMatchObject({ properties: { subscriptionIdentifiers: [value] } });
    }
  });

  it('rejects the non-minimal encodings 80 00, 80 80 00 and ff 80 00 of a remaining length', () => {
    for (const hex of ['308000', '30808000', '30ff8000']) {
      expect(() => readFixedHeader(hexToBytes(hex), 0, 5), hex).toThrow(MalformedPacketError);
    }
  });
});

describe('tracing a variable byte integer', () => {
  it('walks 321 (c1 02) as group 65 with continuation, then 2 × 128, giving 321', () => {
    const steps = traceVariableByteInteger(321);
    expect(steps).toEqual([
      { index: 0, byte: 0xc1, group: 65, continuation: true, multiplier: 1, runningValue: 65 },
      { index: 1, byte: 0x02, group: 2, continuation: false, multiplier: 128, runningValue: 321 },
    ]);
    expect(traceEncodedVariableByteInteger(Uint8Array.of(0xc1, 0x02))).toEqual(steps);
  });

  it('walks 268 435 455 through four groups of 127', () => {
    expect(traceVariableByteInteger(268_435_455).map((s) => [s.group, s.multiplier, s.runningValue])).toEqual([
      [127, 1, 127],
      [127, 128, 16_383],
      [127, 16_384, 2_097_151],
      [127, 2_097_152, 268_435_455],
    ]);
  });

  it('stops reading encoded bytes at the first byte without a continuation bit', () => {
    expect(traceEncodedVariableByteInteger(Uint8Array.of(0x05, 0xff, 0xff))).toHaveLength(1);
  });

  it('stops after four bytes even when the fourth has its continuation bit set', () => {
    const steps = traceEncodedVariableByteInteger(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x01));
    expect(steps).toHaveLength(4);
    expect(steps[3]!.continuation).toBe(true);
  });
});
