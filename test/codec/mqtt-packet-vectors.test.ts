/**
 * mqtt-packet's own test fixtures (see mqtt-packet-vectors.ts) through our codec: every vector
 * mqtt-packet parses or generates we decode and re-encode byte for byte, and every vector it
 * rejects we reject as malformed — except the few where the specification disagrees with
 * mqtt-packet, listed in DELIBERATE_DIFFERENCES with the rule our decoder cites.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, decodePacket, encodePacket, MalformedPacketError } from '../../src/mqtt/codec/index.ts';
import { mqttParse } from '../support/mqtt-packet-adapter.ts';
import { MQTT_PACKET_VECTORS, type MqttPacketVector } from './mqtt-packet-vectors.ts';

interface Difference {
  rule: string;
  field: string;
  why: string;
}

/** Vectors mqtt-packet parses and we reject, because the specification says they are malformed. */
const DELIBERATE_DIFFERENCES: Readonly<Record<string, Difference>> = {
  'connect MQTT bridge 131': {
    rule: 'MQTT-3.1.2-2', field: 'protocolLevel',
    why: 'protocol level 0x83 is 3 with the top bit set, a non-standard broker-to-broker "bridge" marker; no MQTT version defines it',
  },
  'connect MQTT bridge 132': {
    rule: 'MQTT-3.1.2-2', field: 'protocolLevel',
    why: 'protocol level 0x84 is 4 with the top bit set, the same non-standard bridge marker',
  },
  'Version 4 CONACK in Version 5 mode': {
    rule: 'MQTT-3.2.2-8', field: 'reasonCode',
    why: 'read as 5.0, 0x01 is not a CONNACK reason code (and the property length is missing too)',
  },
  'Version 5 CONNACK test 1': {
    rule: 'MQTT-5.0 §2.1.4', field: 'reasonCode',
    why: 'a 5.0 CONNACK of remaining length 1 has no Connect Reason Code at all; unlike PUBACK or DISCONNECT, CONNACK may not omit it',
  },
  'Version 5 CONNACK test 2': {
    rule: 'MQTT-2.2.2-1', field: 'properties.length',
    why: 'a 5.0 CONNACK with no properties must still carry a Property Length of 0',
  },
  'connack MQTT 5 with properties': {
    rule: 'MQTT-5.0 §2.2.2.2', field: 'properties[2].value',
    why: 'its Maximum QoS is 2; 5.0 §3.2.2.3.4 allows only 0 or 1 (absent means 2)',
  },
  'connack MQTT 5 with properties and doubled user properties': {
    rule: 'MQTT-5.0 §2.2.2.2', field: 'properties[2].value',
    why: 'the same Maximum QoS of 2',
  },
};

/**
 * Fixtures the installed mqtt-packet 9.0.2 does not handle as its test file expects. They come
 * from tests newer than its parser: see the findings in differential.test.ts.
 */
const INSTALLED_MQTT_PACKET_DISAGREES: Readonly<Record<string, string>> = {
  'minimal Success AUTH with reason code and property length omitted': 'Invalid auth reason code',
};

const bytesOf = (vector: MqttPacketVector) => Uint8Array.from(vector.hex.match(/../g)!.map((pair) => parseInt(pair, 16)));

const accepted = MQTT_PACKET_VECTORS.filter((v) => v.kind !== 'parseError' && !(v.name in DELIBERATE_DIFFERENCES));
const rejected = MQTT_PACKET_VECTORS.filter((v) => v.kind === 'parseError');
const differing = MQTT_PACKET_VECTORS.filter((v) => v.name in DELIBERATE_DIFFERENCES);

describe('mqtt-packet test vectors', () => {
  it('holds every hex fixture of mqtt-packet\'s test suite, well-formed and uniquely named', () => {
    expect(MQTT_PACKET_VECTORS).toHaveLength(135);
    const kinds: Record<string, number> = {};
    for (const v of MQTT_PACKET_VECTORS) kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
    expect(kinds).toEqual({ parseError: 60, parseGenerate: 56, parseOnly: 9, parseAndGenerate: 5, parseGenerateDefaults: 3, generateOnly: 2 });
    expect(new Set(MQTT_PACKET_VECTORS.map((v) => v.name)).size).toBe(MQTT_PACKET_VECTORS.length);
    for (const v of MQTT_PACKET_VECTORS) {
      expect(v.hex, v.name).toMatch(/^(?:[0-9a-f]{2})+$/);
      expect([3, 4, 5], v.name).toContain(v.version);
      expect(v.expectError !== undefined, v.name).toBe(v.kind === 'parseError');
    }
  });

  it('lists as deliberate differences exactly seven vectors, all of which mqtt-packet\'s tests parse', () => {
    expect(differing.map((v) => v.name).sort()).toEqual(Object.keys(DELIBERATE_DIFFERENCES).sort());
    expect(differing).toHaveLength(7);
    for (const v of differing) expect(v.kind, v.name).not.toBe('parseError');
  });

  it('matches what the installed mqtt-packet does with each vector, except where it lags its own newer tests', () => {
    for (const v of MQTT_PACKET_VECTORS) {
      if (v.kind === 'generateOnly') continue;
      const result = mqttParse(bytesOf(v), v.version);
      const disagreement = INSTALLED_MQTT_PACKET_DISAGREES[v.name];
      if (v.kind === 'parseError') {
        expect(result.error?.message, v.name).toBe(v.expectError);
        expect(result.packets, v.name).toEqual([]);
      } else if (disagreement !== undefined) {
        expect(result.error?.message, v.name).toBe(disagreement);
      } else {
        expect(result.error, v.name).toBeNull();
        expect(result.packets, v.name).toHaveLength(1);
        expect(result.remaining, v.name).toBe(0);
      }
    }
  });

  describe('vectors mqtt-packet parses or generates', () => {
    it.each(accepted.map((v) => [v.name, v] as const))('decodes and re-encodes byte for byte: %s', (_name, vector) => {
      const bytes = bytesOf(vector);
      const decoded = decodePacket(bytes, { protocolVersion: vector.version });
      expect(decoded.length).toBe(bytes.length);
      expect(bytesToHex(encodePacket(decoded.packet, { protocolVersion: vector.version }))).toBe(vector.hex);
    });
  });

  describe('vectors mqtt-packet rejects', () => {
    it.each(rejected.map((v) => [v.name, v] as const))('rejects as malformed: %s', (_name, vector) => {
      expect(() => decodePacket(bytesOf(vector), { protocolVersion: vector.version })).toThrow(MalformedPacketError);
    });
  });

  describe('vectors where the specification overrules mqtt-packet', () => {
    it.each(differing.map((v) => [v.name, v] as const))('rejects what mqtt-packet parses: %s', (name, vector) => {
      const difference = DELIBERATE_DIFFERENCES[name]!;
      let error: unknown;
      try {
        decodePacket(bytesOf(vector), { protocolVersion: vector.version });
      } catch (caught) {
        error = caught;
      }
      expect(error, difference.why).toBeInstanceOf(MalformedPacketError);
      const { rule, field } = error as MalformedPacketError;
      expect({ rule, field }, difference.why).toEqual({ rule: difference.rule, field: difference.field });
    });
  });
});
