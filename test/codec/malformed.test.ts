/**
 * One malformed packet per packet-format rule: the decoder must name the exact rule, the byte
 * offset of the offending field and its path; the encoder, given the same mistake as a packet
 * model (where the model can express it), must refuse it with the same rule. Truncated input is
 * incomplete, not malformed, and says how many bytes are missing.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePacket, encodePacket, IncompletePacketError, InvalidPacketError, MalformedPacketError, StreamDecoder,
  type Packet, type ProtocolVersion,
} from '../../src/mqtt/codec/index.ts';
import { concat, hexToBytes } from './fixtures.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';
import { codecText } from '../../src/components/i18n/codec-text.ts';

const h = (hex: string) => hexToBytes(hex.replace(/\s+/g, ''));

interface Expected { offset: number; field: string; rule: string }

function decodeError(bytes: Uint8Array, version: ProtocolVersion): unknown {
  try {
    decodePacket(bytes, { protocolVersion: version });
  } catch (error) {
    return error;
  }
  return null;
}

function malformed(hex: string, version: ProtocolVersion): MalformedPacketError {
  const error = decodeError(h(hex), version);
  if (!(error instanceof MalformedPacketError)) {
    throw new Error(`expected a MalformedPacketError, got ${error === null ? 'a packet' : String(error)}`);
  }
  return error;
}

function invalid(packet: Packet, version: ProtocolVersion): InvalidPacketError {
  try {
    encodePacket(packet, { protocolVersion: version });
  } catch (error) {
    if (error instanceof InvalidPacketError) return error;
    throw new Error(`expected an InvalidPacketError, got ${String(error)}`);
  }
  throw new Error('the encoder wrote the packet');
}

interface Case extends Expected {
  /** A sentence, completed by the test name. */
  what: string;
  version: ProtocolVersion;
  hex: string;
  /** The same mistake as a packet model, where the model can express it. */
  model?: Packet;
  /** The field the encoder names, when it differs from the decoder's. */
  modelField?: string;
}

const V = { 3: '3.1', 4: '3.1.1', 5: '5.0' } as const;

const pub = (topic: string, extra: Partial<Extract<Packet, { type: 'PUBLISH' }>> = {}): Packet =>
  ({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic, payload: new Uint8Array(0), ...extra });
const connect = (extra: Partial<Extract<Packet, { type: 'CONNECT' }>> = {}): Packet =>
  ({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'c', ...extra });

/* ---------------------------------------------------------------------------------------- */

const RESERVED_FLAGS: Case[] = [
  { what: 'a CONNECT whose reserved header flags are 0001', version: 4, hex: '11 0c 00 04 4d51 5454 04 02 003c 0000', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a CONNECT whose reserved header flags are 0001', version: 5, hex: '11 0d 00 04 4d51 5454 05 02 003c 00 0000', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a CONNACK with first byte 0x21 instead of 0x20', version: 4, hex: '21 02 00 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a CONNACK with first byte 0x21 instead of 0x20', version: 5, hex: '21 03 00 00 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a PUBACK whose reserved flags are 0010', version: 4, hex: '42 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a PUBACK whose reserved flags are 0010', version: 5, hex: '42 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a PUBREC whose reserved flags are 1000', version: 4, hex: '58 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a PUBREC whose reserved flags are 1000', version: 5, hex: '58 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a PUBREL with first byte 0x60 instead of 0x62', version: 4, hex: '60 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.6.1-1' },
  { what: 'a PUBREL with first byte 0x60 instead of 0x62', version: 5, hex: '60 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.6.1-1' },
  { what: 'a PUBREL with DUP set (0x6a), which only 3.1 allowed', version: 4, hex: '6a 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.6.1-1' },
  { what: 'a PUBCOMP whose reserved flags are 0001', version: 4, hex: '71 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a PUBCOMP whose reserved flags are 0001', version: 5, hex: '71 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a SUBSCRIBE with first byte 0x80 instead of 0x82', version: 4, hex: '80 06 0001 0001 23 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.8.1-1' },
  { what: 'a SUBSCRIBE with first byte 0x80 instead of 0x82', version: 5, hex: '80 07 0001 00 0001 23 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.8.1-1' },
  { what: 'a SUBACK whose reserved flags are 0010', version: 4, hex: '92 03 0001 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a SUBACK whose reserved flags are 0010', version: 5, hex: '92 04 0001 00 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'an UNSUBSCRIBE with first byte 0xa0 instead of 0xa2', version: 4, hex: 'a0 05 0001 0001 23', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.10.1-1' },
  { what: 'an UNSUBSCRIBE with first byte 0xa0 instead of 0xa2', version: 5, hex: 'a0 06 0001 00 0001 23', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.10.1-1' },
  { what: 'an UNSUBACK whose reserved flags are 0100', version: 4, hex: 'b4 02 0001', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'an UNSUBACK whose reserved flags are 0100', version: 5, hex: 'b4 04 0001 00 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a PINGREQ whose reserved flags are 0001', version: 4, hex: 'c1 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a PINGREQ whose reserved flags are 0001', version: 5, hex: 'c1 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a PINGRESP whose reserved flags are 0010', version: 4, hex: 'd2 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.2.2-1' },
  { what: 'a PINGRESP whose reserved flags are 0010', version: 5, hex: 'd2 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-2.1.3-1' },
  { what: 'a DISCONNECT whose reserved flags are 1000', version: 4, hex: 'e8 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.14.1-1' },
  { what: 'a DISCONNECT whose reserved flags are 1000', version: 5, hex: 'e8 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.14.1-1' },
  { what: 'an AUTH whose reserved flags are 0001', version: 5, hex: 'f1 00', offset: 0, field: 'fixedHeader.flags', rule: 'MQTT-3.15.1-1' },
];

const PUBLISH_FLAGS: Case[] = [
  { what: 'a PUBLISH whose QoS bits are both set', version: 4, hex: '36 07 0003 612f62 0001', offset: 0, field: 'fixedHeader.flags.qos', rule: 'MQTT-3.3.1-4', model: pub('a/b', { qos: 3 as 0, packetId: 1 }) },
  { what: 'a PUBLISH whose QoS bits are both set', version: 5, hex: '36 08 0003 612f62 0001 00', offset: 0, field: 'fixedHeader.flags.qos', rule: 'MQTT-3.3.1-4', model: pub('a/b', { qos: 3 as 0, packetId: 1 }) },
  { what: 'a QoS 0 PUBLISH with DUP set', version: 4, hex: '38 05 0003 612f62', offset: 0, field: 'fixedHeader.flags.dup', rule: 'MQTT-3.3.1-2', model: pub('a/b', { dup: true }) },
  { what: 'a QoS 0 PUBLISH with DUP set', version: 5, hex: '38 06 0003 612f62 00', offset: 0, field: 'fixedHeader.flags.dup', rule: 'MQTT-3.3.1-2', model: pub('a/b', { dup: true }) },
];

const PACKET_ID_ZERO: Case[] = [
  { what: 'a QoS 1 PUBLISH with packet identifier 0', version: 4, hex: '32 07 0003 612f62 0000', offset: 7, field: 'packetId', rule: 'MQTT-2.3.1-1', model: pub('a/b', { qos: 1, packetId: 0 }) },
  { what: 'a QoS 2 PUBLISH with packet identifier 0', version: 5, hex: '34 08 0003 612f62 0000 00', offset: 7, field: 'packetId', rule: 'MQTT-2.2.1-3', model: pub('a/b', { qos: 2, packetId: 0 }) },
  { what: 'a SUBSCRIBE with packet identifier 0', version: 4, hex: '82 06 0000 0001 23 00', offset: 2, field: 'packetId', rule: 'MQTT-2.3.1-1', model: { type: 'SUBSCRIBE', packetId: 0, subscriptions: [{ topicFilter: '#', qos: 0 }] } },
  { what: 'a SUBSCRIBE with packet identifier 0', version: 5, hex: '82 07 0000 00 0001 23 00', offset: 2, field: 'packetId', rule: 'MQTT-2.2.1-3', model: { type: 'SUBSCRIBE', packetId: 0, subscriptions: [{ topicFilter: '#', qos: 0 }] } },
  { what: 'an UNSUBSCRIBE with packet identifier 0', version: 4, hex: 'a2 05 0000 0001 23', offset: 2, field: 'packetId', rule: 'MQTT-2.3.1-1', model: { type: 'UNSUBSCRIBE', packetId: 0, topicFilters: ['#'] } },
  { what: 'an UNSUBSCRIBE with packet identifier 0', version: 5, hex: 'a2 06 0000 00 0001 23', offset: 2, field: 'packetId', rule: 'MQTT-2.2.1-3', model: { type: 'UNSUBSCRIBE', packetId: 0, topicFilters: ['#'] } },
  { what: 'a PUBACK with packet identifier 0', version: 4, hex: '40 02 0000', offset: 2, field: 'packetId', rule: 'MQTT-2.3.1-6', model: { type: 'PUBACK', packetId: 0 } },
  { what: 'a PUBACK with packet identifier 0', version: 5, hex: '40 02 0000', offset: 2, field: 'packetId', rule: 'MQTT-2.2.1-5', model: { type: 'PUBACK', packetId: 0 } },
  { what: 'a PUBREL with packet identifier 0', version: 4, hex: '62 02 0000', offset: 2, field: 'packetId', rule: 'MQTT-2.3.1-6', model: { type: 'PUBREL', packetId: 0 } },
  { what: 'a SUBACK with packet identifier 0', version: 4, hex: '90 03 0000 00', offset: 2, field: 'packetId', rule: 'MQTT-2.3.1-7', model: { type: 'SUBACK', packetId: 0, reasonCodes: [0] } },
  { what: 'an UNSUBACK with packet identifier 0', version: 5, hex: 'b0 04 0000 00 00', offset: 2, field: 'packetId', rule: 'MQTT-2.2.1-6', model: { type: 'UNSUBACK', packetId: 0, reasonCodes: [0], properties: {} } },
];

const TOPICS: Case[] = [
  { what: 'a PUBLISH to "a/+" (offset = the byte of the +)', version: 4, hex: '30 05 0003 612f2b', offset: 6, field: 'topic', rule: 'MQTT-3.3.2-2', model: pub('a/+') },
  { what: 'a PUBLISH to "a/#" (offset = the byte of the #)', version: 5, hex: '30 06 0003 612f23 00', offset: 6, field: 'topic', rule: 'MQTT-3.3.2-2', model: pub('a/#', { properties: {} }) },
  { what: 'a PUBLISH to "温/+", counting the wildcard\'s offset in bytes, not characters', version: 4, hex: '30 07 0005 e6b8a9 2f 2b', offset: 8, field: 'topic', rule: 'MQTT-3.3.2-2', model: pub('温/+') },
  { what: 'a will topic with a wildcard', version: 4, hex: '10 14 0004 4d515454 04 06 0000 0001 63 0003 612f23 0000', offset: 19, field: 'will.topic', rule: 'MQTT-4.7.1-1', model: connect({ will: { topic: 'a/#', payload: new Uint8Array(0), qos: 0, retain: false } }) },
  { what: 'a 3.1.1 PUBLISH with an empty topic', version: 4, hex: '30 02 0000', offset: 2, field: 'topic', rule: 'MQTT-4.7.3-1', model: pub('') },
  { what: 'a 5.0 PUBLISH with an empty topic and no Topic Alias', version: 5, hex: '30 03 0000 00', offset: 2, field: 'topic', rule: 'MQTT-5.0 §3.3.2.1', model: pub('', { properties: {} }) },
  { what: 'a topic filter "a+" whose + shares a level', version: 4, hex: '82 07 0001 0002 612b 00', offset: 7, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.7.1-3', model: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: 'a+', qos: 0 }] } },
  { what: 'a topic filter "#/a" whose # is not last', version: 4, hex: '82 08 0001 0003 232f61 00', offset: 6, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.7.1-2', model: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: '#/a', qos: 0 }] } },
  { what: 'a topic filter "a+" whose + shares a level (renumbered in 5.0)', version: 5, hex: '82 08 0001 00 0002 612b 00', offset: 8, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.7.1-2', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: 'a+', qos: 0 }] } },
  { what: 'a topic filter "#/a" whose # is not last (renumbered in 5.0)', version: 5, hex: '82 09 0001 00 0003 232f61 00', offset: 7, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.7.1-1', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '#/a', qos: 0 }] } },
  { what: 'a will topic with a wildcard (renumbered in 5.0)', version: 5, hex: '10 16 0004 4d515454 05 06 0000 00 0001 63 00 0003 612f23 0000', offset: 21, field: 'will.topic', rule: 'MQTT-4.7.0-1', model: connect({ protocolLevel: 5, properties: {}, will: { topic: 'a/#', payload: new Uint8Array(0), qos: 0, retain: false, properties: {} } }) },
  { what: 'a shared subscription "$share//a" with an empty ShareName', version: 5, hex: '82 0f 0001 00 0009 247368617265 2f 2f 61 00', offset: 14, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.8.2-1', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '$share//a', qos: 0 }] } },
  { what: 'a shared subscription "$share/g+/a" whose ShareName holds a wildcard', version: 5, hex: '82 11 0001 00 000b 247368617265 2f 67 2b 2f 61 00', offset: 15, field: 'subscriptions[0].topicFilter', rule: 'MQTT-4.8.2-2', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '$share/g+/a', qos: 0 }] } },
  { what: 'an empty topic filter in an UNSUBSCRIBE', version: 4, hex: 'a2 04 0001 0000', offset: 4, field: 'topicFilters[0]', rule: 'MQTT-4.7.3-1', model: { type: 'UNSUBSCRIBE', packetId: 1, topicFilters: [''] } },
];

const UTF8: Case[] = [
  { what: 'a topic with the ill-formed UTF-8 sequence c3 28', version: 4, hex: '30 04 0002 c328', offset: 4, field: 'topic', rule: 'MQTT-1.5.3-1' },
  { what: 'a topic with the ill-formed UTF-8 sequence c3 28', version: 5, hex: '30 05 0002 c328 00', offset: 4, field: 'topic', rule: 'MQTT-1.5.4-1' },
  { what: 'a topic with an overlong encoding of "/" (c0 af)', version: 4, hex: '30 04 0002 c0af', offset: 4, field: 'topic', rule: 'MQTT-1.5.3-1' },
  { what: 'a topic with an encoded surrogate (ed a0 80)', version: 4, hex: '30 06 0004 61 eda080', offset: 5, field: 'topic', rule: 'MQTT-1.5.3-1', model: pub('a\ud800') },
  { what: 'a topic with an encoded surrogate (ed a0 80)', version: 5, hex: '30 07 0004 61 eda080 00', offset: 5, field: 'topic', rule: 'MQTT-1.5.4-1', model: pub('a\ud800', { properties: {} }) },
  { what: 'a topic containing U+0000', version: 4, hex: '30 05 0003 61 00 62', offset: 5, field: 'topic', rule: 'MQTT-1.5.3-2', model: pub('a\u0000b') },
  { what: 'a topic containing U+0000', version: 5, hex: '30 06 0003 61 00 62 00', offset: 5, field: 'topic', rule: 'MQTT-1.5.4-2', model: pub('a\u0000b', { properties: {} }) },
  { what: 'a topic containing U+0000 after a non-ASCII character', version: 4, hex: '30 05 0003 c3a9 00', offset: 6, field: 'topic', rule: 'MQTT-1.5.3-2', model: pub('é\u0000') },
  { what: 'a client identifier that is not UTF-8 (0xff)', version: 4, hex: '10 0d 0004 4d515454 04 02 003c 0001 ff', offset: 14, field: 'clientId', rule: 'MQTT-1.5.3-1' },
  { what: 'a user property value that is not UTF-8', version: 5, hex: '30 0b 0001 61 07 26 0001 6b 0001 ff', offset: 12, field: 'properties[0].value', rule: 'MQTT-1.5.4-1', model: pub('a', { properties: { userProperties: [['k', '\udc00']] } }), modelField: 'properties.userProperties[0].value' },
];

const LENGTHS: Case[] = [
  { what: 'a non-minimal remaining length (30 80 00)', version: 4, hex: '30 80 00', offset: 1, field: 'fixedHeader.remainingLength', rule: 'MQTT-3.1.1 §2.2.3' },
  { what: 'a non-minimal remaining length (30 80 00)', version: 5, hex: '30 80 00', offset: 1, field: 'fixedHeader.remainingLength', rule: 'MQTT-1.5.5-1' },
  { what: 'a five-byte remaining length (30 80 80 80 80 01)', version: 4, hex: '30 80 80 80 80 01', offset: 1, field: 'fixedHeader.remainingLength', rule: 'MQTT-3.1.1 §2.2.3' },
  { what: 'a five-byte remaining length (30 80 80 80 80 01)', version: 5, hex: '30 80 80 80 80 01', offset: 1, field: 'fixedHeader.remainingLength', rule: 'MQTT-5.0 §1.5.5' },
  { what: 'a remaining length too short for the topic it announces', version: 4, hex: '30 03 0003 61', offset: 4, field: 'topic', rule: 'MQTT-3.1.1 §2.2.3' },
  { what: 'a remaining length too short for the topic it announces', version: 5, hex: '30 03 0003 61', offset: 4, field: 'topic', rule: 'MQTT-5.0 §2.1.4' },
  { what: 'a 5.0 CONNACK too short to hold its reason code', version: 5, hex: '20 01 00', offset: 3, field: 'reasonCode', rule: 'MQTT-5.0 §2.1.4' },
  { what: 'a PUBACK with a byte left over', version: 4, hex: '40 03 0001 00', offset: 4, field: 'fixedHeader.remainingLength', rule: 'MQTT-3.1.1 §2.2.3' },
  { what: 'a PINGREQ with a byte left over', version: 4, hex: 'c0 01 00', offset: 2, field: 'fixedHeader.remainingLength', rule: 'MQTT-3.1.1 §2.2.3' },
  { what: 'a 5.0 CONNACK with a byte left over', version: 5, hex: '20 04 00 00 00 00', offset: 5, field: 'fixedHeader.remainingLength', rule: 'MQTT-5.0 §2.1.4' },
  { what: 'a property length larger than the rest of the packet', version: 5, hex: '30 05 0001 61 05 01', offset: 5, field: 'properties.length', rule: 'MQTT-5.0 §2.2.2.1' },
  { what: 'a 5.0 PUBLISH without a property length', version: 5, hex: '30 03 0001 61', offset: 5, field: 'properties.length', rule: 'MQTT-2.2.2-1' },
  { what: 'a 5.0 AUTH with a reason code but no property length', version: 5, hex: 'f0 01 18', offset: 3, field: 'properties.length', rule: 'MQTT-2.2.2-1' },
  { what: 'a non-minimal property length (80 00)', version: 5, hex: '30 05 0001 61 8000', offset: 5, field: 'properties.length', rule: 'MQTT-1.5.5-1' },
  { what: 'a subscription identifier five bytes long', version: 5, hex: '30 0a 0001 61 06 0b 80808080 01', offset: 7, field: 'properties[0].value', rule: 'MQTT-5.0 §1.5.5' },
];

const CONNECTS: Case[] = [
  { what: 'a CONNECT whose protocol name is "MQTX"', version: 4, hex: '10 0c 0004 4d515458 04 02 003c 0000', offset: 4, field: 'protocolName', rule: 'MQTT-3.1.2-1', model: connect({ protocolName: 'MQTX' }) },
  { what: 'a CONNECT that pairs "MQTT" with level 3', version: 4, hex: '10 0c 0004 4d515454 03 02 003c 0000', offset: 8, field: 'protocolLevel', rule: 'MQTT-3.1.2-1', model: connect({ protocolLevel: 3 }), modelField: 'protocolName' },
  { what: 'a CONNECT with protocol level 6', version: 4, hex: '10 0c 0004 4d515454 06 02 003c 0000', offset: 8, field: 'protocolLevel', rule: 'MQTT-3.1.2-2', model: connect({ protocolLevel: 6 as 4 }) },
  { what: 'a CONNECT with the reserved connect flag set', version: 4, hex: '10 0c 0004 4d515454 04 03 003c 0000', offset: 9, field: 'connectFlags.reserved', rule: 'MQTT-3.1.2-3' },
  { what: 'a CONNECT with the reserved connect flag set', version: 5, hex: '10 0d 0004 4d515454 05 03 003c 00 0000', offset: 9, field: 'connectFlags.reserved', rule: 'MQTT-3.1.2-3' },
  { what: 'a CONNECT with Will QoS 1 but no Will Flag', version: 4, hex: '10 0c 0004 4d515454 04 0a 003c 0000', offset: 9, field: 'connectFlags.willQos', rule: 'MQTT-3.1.2-13' },
  { what: 'a CONNECT with Will QoS 1 but no Will Flag', version: 5, hex: '10 0d 0004 4d515454 05 0a 003c 00 0000', offset: 9, field: 'connectFlags.willQos', rule: 'MQTT-3.1.2-11' },
  { what: 'a CONNECT with Will Retain but no Will Flag', version: 4, hex: '10 0c 0004 4d515454 04 22 003c 0000', offset: 9, field: 'connectFlags.willRetain', rule: 'MQTT-3.1.2-15' },
  { what: 'a CONNECT with Will Retain but no Will Flag', version: 5, hex: '10 0d 0004 4d515454 05 22 003c 00 0000', offset: 9, field: 'connectFlags.willRetain', rule: 'MQTT-3.1.2-13' },
  { what: 'a CONNECT with Will QoS 3', version: 4, hex: '10 0c 0004 4d515454 04 1e 003c 0000', offset: 9, field: 'connectFlags.willQos', rule: 'MQTT-3.1.2-14', model: connect({ will: { topic: 'w', payload: new Uint8Array(0), qos: 3 as 0, retain: false } }), modelField: 'will.qos' },
  { what: 'a CONNECT with Will QoS 3', version: 5, hex: '10 0d 0004 4d515454 05 1e 003c 00 0000', offset: 9, field: 'connectFlags.willQos', rule: 'MQTT-3.1.2-12', model: connect({ protocolLevel: 5, properties: {}, will: { topic: 'w', payload: new Uint8Array(0), qos: 3 as 0, retain: false, properties: {} } }), modelField: 'will.qos' },
  { what: 'a 3.1.1 CONNECT with a password but no user name', version: 4, hex: '10 0f 0004 4d515454 04 42 003c 0000 0001 70', offset: 9, field: 'connectFlags.password', rule: 'MQTT-3.1.2-22', model: connect({ password: new Uint8Array([0x70]) }), modelField: 'password' },
];

const SUBSCRIPTIONS: Case[] = [
  { what: 'a SUBSCRIBE with no topic filters', version: 4, hex: '82 02 0001', offset: 4, field: 'subscriptions', rule: 'MQTT-3.8.3-3', model: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [] } },
  { what: 'a SUBSCRIBE with no topic filters', version: 5, hex: '82 03 0001 00', offset: 5, field: 'subscriptions', rule: 'MQTT-3.8.3-2', model: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [], properties: {} } },
  { what: 'an UNSUBSCRIBE with no topic filters', version: 4, hex: 'a2 02 0001', offset: 4, field: 'topicFilters', rule: 'MQTT-3.10.3-2', model: { type: 'UNSUBSCRIBE', packetId: 1, topicFilters: [] } },
  { what: 'an UNSUBSCRIBE with no topic filters', version: 5, hex: 'a2 03 0001 00', offset: 5, field: 'topicFilters', rule: 'MQTT-3.10.3-2', model: { type: 'UNSUBSCRIBE', packetId: 1, topicFilters: [], properties: {} } },
  { what: 'a 3.1.1 SUBSCRIBE whose requested-QoS byte has a reserved bit set (the spec\'s own id MQTT-3-8.3-4)', version: 4, hex: '82 06 0001 0001 23 04', offset: 7, field: 'subscriptions[0].options.reserved', rule: 'MQTT-3-8.3-4' },
  { what: 'a 3.1.1 SUBSCRIBE whose second filter has a reserved bit set', version: 4, hex: '82 0a 0001 0001 23 00 0001 61 04', offset: 11, field: 'subscriptions[1].options.reserved', rule: 'MQTT-3-8.3-4' },
  { what: 'a 3.1.1 SUBSCRIBE requesting QoS 3', version: 4, hex: '82 06 0001 0001 23 03', offset: 7, field: 'subscriptions[0].qos', rule: 'MQTT-3-8.3-4', model: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 3 as 0 }] } },
  { what: 'a 5.0 SUBSCRIBE whose subscription options have bit 6 set', version: 5, hex: '82 07 0001 00 0001 23 40', offset: 8, field: 'subscriptions[0].options.reserved', rule: 'MQTT-3.8.3-5' },
  { what: 'a 5.0 SUBSCRIBE whose subscription options have bit 7 set', version: 5, hex: '82 07 0001 00 0001 23 80', offset: 8, field: 'subscriptions[0].options.reserved', rule: 'MQTT-3.8.3-5' },
  { what: 'a 5.0 SUBSCRIBE with Maximum QoS 3', version: 5, hex: '82 07 0001 00 0001 23 03', offset: 8, field: 'subscriptions[0].qos', rule: 'MQTT-5.0 §3.8.3.1', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '#', qos: 3 as 0 }] } },
  { what: 'a 5.0 SUBSCRIBE with Retain Handling 3', version: 5, hex: '82 07 0001 00 0001 23 30', offset: 8, field: 'subscriptions[0].retainHandling', rule: 'MQTT-5.0 §3.8.3.1', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '#', qos: 0, retainHandling: 3 as 0 }] } },
  { what: 'a 5.0 SUBSCRIBE with No Local on a shared subscription', version: 5, hex: '82 10 0001 00 000a 247368617265 2f 67 2f 61 04', offset: 17, field: 'subscriptions[0].noLocal', rule: 'MQTT-3.8.3-4', model: { type: 'SUBSCRIBE', packetId: 1, properties: {}, subscriptions: [{ topicFilter: '$share/g/a', qos: 0, noLocal: true }] } },
];

const PROPERTIES: Case[] = [
  { what: 'a PUBLISH carrying Payload Format Indicator twice', version: 5, hex: '30 08 0001 61 04 0101 0100', offset: 8, field: 'properties[1].id', rule: 'MQTT-5.0 §3.3.2.3' },
  { what: 'a CONNACK carrying Reason String twice', version: 5, hex: '20 0b 00 00 08 1f 0001 61 1f 0001 62', offset: 9, field: 'properties[1].id', rule: 'MQTT-5.0 §3.2.2.3' },
  { what: 'a SUBSCRIBE carrying two Subscription Identifiers', version: 5, hex: '82 0b 0001 04 0b01 0b02 0001 23 00', offset: 7, field: 'properties[1].id', rule: 'MQTT-5.0 §3.8.2.1.2', model: { type: 'SUBSCRIBE', packetId: 1, properties: { subscriptionIdentifiers: [1, 2] }, subscriptions: [{ topicFilter: '#', qos: 0 }] }, modelField: 'properties.subscriptionIdentifiers' },
  { what: 'a PUBLISH carrying Session Expiry Interval, which PUBLISH may not', version: 5, hex: '30 09 0001 61 05 11 00000001', offset: 6, field: 'properties[0].id', rule: 'MQTT-5.0 §2.2.2.2', model: pub('a', { properties: { sessionExpiryInterval: 1 } }), modelField: 'properties.sessionExpiryInterval' },
  { what: 'a CONNECT carrying Will Delay Interval outside the will properties', version: 5, hex: '10 12 0004 4d515454 05 02 003c 05 18 00000005 0000', offset: 13, field: 'properties[0].id', rule: 'MQTT-5.0 §2.2.2.2', model: connect({ protocolLevel: 5, properties: { willDelayInterval: 5 } }), modelField: 'properties.willDelayInterval' },
  { what: 'a PUBLISH with the unknown property identifier 0x04', version: 5, hex: '30 06 0001 61 02 04 00', offset: 6, field: 'properties[0].id', rule: 'MQTT-5.0 §2.2.2.2', model: pub('a', { properties: { noSuchProperty: 1 } as never }), modelField: 'properties.noSuchProperty' },
  { what: 'a PUBLISH with Topic Alias 0', version: 5, hex: '30 07 0001 61 03 23 0000', offset: 7, field: 'properties[0].value', rule: 'MQTT-3.3.2-8', model: pub('a', { properties: { topicAlias: 0 } }), modelField: 'properties.topicAlias' },
  { what: 'a PUBLISH with Subscription Identifier 0', version: 5, hex: '30 06 0001 61 02 0b 00', offset: 7, field: 'properties[0].value', rule: 'MQTT-5.0 §3.3.2.3.8', model: pub('a', { properties: { subscriptionIdentifiers: [0] } }), modelField: 'properties.subscriptionIdentifiers' },
  { what: 'a SUBSCRIBE with Subscription Identifier 0', version: 5, hex: '82 08 0001 02 0b 00 0001 23 00', offset: 6, field: 'properties[0].value', rule: 'MQTT-5.0 §3.3.2.3.8', model: { type: 'SUBSCRIBE', packetId: 1, properties: { subscriptionIdentifiers: [0] }, subscriptions: [{ topicFilter: '#', qos: 0 }] }, modelField: 'properties.subscriptionIdentifiers' },
  { what: 'a PUBLISH with Payload Format Indicator 2', version: 5, hex: '30 06 0001 61 02 01 02', offset: 7, field: 'properties[0].value', rule: 'MQTT-5.0 §2.2.2.2', model: pub('a', { properties: { payloadFormatIndicator: 2 } }), modelField: 'properties.payloadFormatIndicator' },
  { what: 'a CONNACK with Receive Maximum 0', version: 5, hex: '20 06 00 00 03 21 0000', offset: 6, field: 'properties[0].value', rule: 'MQTT-5.0 §2.2.2.2', model: { type: 'CONNACK', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 0 } }, modelField: 'properties.receiveMaximum' },
];

const CONNACKS: Case[] = [
  { what: 'a CONNACK with Session Present and a non-zero return code', version: 4, hex: '20 02 01 05', offset: 2, field: 'connackFlags.sessionPresent', rule: 'MQTT-3.2.2-4', model: { type: 'CONNACK', sessionPresent: true, reasonCode: 5 }, modelField: 'sessionPresent' },
  { what: 'a CONNACK with Session Present and a non-zero reason code', version: 5, hex: '20 03 01 80 00', offset: 2, field: 'connackFlags.sessionPresent', rule: 'MQTT-3.2.2-6', model: { type: 'CONNACK', sessionPresent: true, reasonCode: 0x80, properties: {} }, modelField: 'sessionPresent' },
  { what: 'a CONNACK whose reserved acknowledge flags are set', version: 4, hex: '20 02 02 00', offset: 2, field: 'connackFlags.reserved', rule: 'MQTT-3.1.1 §3.2.2.1' },
  { what: 'a CONNACK whose reserved acknowledge flags are set', version: 5, hex: '20 03 80 00 00', offset: 2, field: 'connackFlags.reserved', rule: 'MQTT-3.2.2-1' },
  { what: 'a 3.1.1 CONNACK with the reserved return code 6', version: 4, hex: '20 02 00 06', offset: 3, field: 'reasonCode', rule: 'MQTT-3.1.1 §3.2.2.3', model: { type: 'CONNACK', sessionPresent: false, reasonCode: 6 } },
];

const REASON_CODES: Case[] = [
  { what: 'a 5.0 CONNACK with reason code 0x04, which only DISCONNECT may use', version: 5, hex: '20 03 00 04 00', offset: 3, field: 'reasonCode', rule: 'MQTT-3.2.2-8', model: { type: 'CONNACK', sessionPresent: false, reasonCode: 4, properties: {} } },
  { what: 'a PUBACK with reason code 0x92, which only PUBREL and PUBCOMP may use', version: 5, hex: '40 03 0001 92', offset: 4, field: 'reasonCode', rule: 'MQTT-3.4.2-1', model: { type: 'PUBACK', packetId: 1, reasonCode: 0x92 } },
  { what: 'a PUBREC with reason code 0x92', version: 5, hex: '50 03 0001 92', offset: 4, field: 'reasonCode', rule: 'MQTT-3.5.2-1', model: { type: 'PUBREC', packetId: 1, reasonCode: 0x92 } },
  { what: 'a PUBREL with reason code 0x10, which only PUBACK and PUBREC may use', version: 5, hex: '62 03 0001 10', offset: 4, field: 'reasonCode', rule: 'MQTT-3.6.2-1', model: { type: 'PUBREL', packetId: 1, reasonCode: 0x10 } },
  { what: 'a PUBCOMP with reason code 0x80', version: 5, hex: '70 03 0001 80', offset: 4, field: 'reasonCode', rule: 'MQTT-3.7.2-1', model: { type: 'PUBCOMP', packetId: 1, reasonCode: 0x80 } },
  { what: 'a 5.0 SUBACK with reason code 0x03', version: 5, hex: '90 04 0001 00 03', offset: 5, field: 'reasonCodes[0]', rule: 'MQTT-3.9.3-2', model: { type: 'SUBACK', packetId: 1, properties: {}, reasonCodes: [3] } },
  { what: 'a 3.1.1 SUBACK with the reserved return code 0x03', version: 4, hex: '90 04 0001 00 03', offset: 5, field: 'reasonCodes[1]', rule: 'MQTT-3.9.3-2', model: { type: 'SUBACK', packetId: 1, reasonCodes: [0, 3] }, modelField: 'reasonCodes[1]' },
  { what: 'a 3.1.1 SUBACK with the 5.0-only code 0x87', version: 4, hex: '90 03 0001 87', offset: 4, field: 'reasonCodes[0]', rule: 'MQTT-3.9.3-2', model: { type: 'SUBACK', packetId: 1, reasonCodes: [0x87] } },
  { what: 'a 3.1.1 SUBACK with no return codes', version: 4, hex: '90 02 0001', offset: 4, field: 'reasonCodes', rule: 'MQTT-3.8.4-5', model: { type: 'SUBACK', packetId: 1, reasonCodes: [] } },
  { what: 'a 5.0 SUBACK with no reason codes', version: 5, hex: '90 03 0001 00', offset: 5, field: 'reasonCodes', rule: 'MQTT-3.8.4-6', model: { type: 'SUBACK', packetId: 1, properties: {}, reasonCodes: [] } },
  { what: 'a 5.0 UNSUBACK with reason code 0x01', version: 5, hex: 'b0 04 0001 00 01', offset: 5, field: 'reasonCodes[0]', rule: 'MQTT-3.11.3-2', model: { type: 'UNSUBACK', packetId: 1, properties: {}, reasonCodes: [1] } },
  { what: 'a 5.0 UNSUBACK with no reason codes', version: 5, hex: 'b0 03 0001 00', offset: 5, field: 'reasonCodes', rule: 'MQTT-3.11.3-2', model: { type: 'UNSUBACK', packetId: 1, properties: {}, reasonCodes: [] } },
  { what: 'a DISCONNECT with reason code 0x01', version: 5, hex: 'e0 01 01', offset: 2, field: 'reasonCode', rule: 'MQTT-3.14.2-1', model: { type: 'DISCONNECT', reasonCode: 1 } },
  { what: 'an AUTH with reason code 0x01', version: 5, hex: 'f0 02 01 00', offset: 2, field: 'reasonCode', rule: 'MQTT-3.15.2-1', model: { type: 'AUTH', reasonCode: 1, properties: {} } },
];

const PACKET_TYPES: Case[] = [
  { what: 'an AUTH packet in 3.1.1', version: 4, hex: 'f0 00', offset: 0, field: 'fixedHeader.type', rule: 'MQTT-3.1.1 §2.2.1', model: { type: 'AUTH' }, modelField: 'type' },
  { what: 'an AUTH packet in 3.1', version: 3, hex: 'f0 00', offset: 0, field: 'fixedHeader.type', rule: 'MQTT-3.1.1 §2.2.1', model: { type: 'AUTH' }, modelField: 'type' },
  { what: 'a packet of the reserved type 0', version: 4, hex: '00 00', offset: 0, field: 'fixedHeader.type', rule: 'MQTT-3.1.1 §2.2.1' },
  { what: 'a packet of the reserved type 0', version: 5, hex: '00 00', offset: 0, field: 'fixedHeader.type', rule: 'MQTT-5.0 §2.1.2' },
];

const GROUPS: Array<[string, Case[]]> = [
  ['reserved fixed-header flags', RESERVED_FLAGS],
  ['PUBLISH flags', PUBLISH_FLAGS],
  ['packet identifier 0', PACKET_ID_ZERO],
  ['topic names and filters', TOPICS],
  ['UTF-8 strings', UTF8],
  ['lengths', LENGTHS],
  ['CONNECT', CONNECTS],
  ['subscriptions', SUBSCRIPTIONS],
  ['5.0 properties', PROPERTIES],
  ['CONNACK', CONNACKS],
  ['reason codes', REASON_CODES],
  ['packet types', PACKET_TYPES],
];

const ALL: Case[] = GROUPS.flatMap(([, cases]) => cases);

for (const [group, cases] of GROUPS) {
  describe(`malformed: ${group}`, () => {
    for (const c of cases) {
      it(`rejects ${c.what} in ${V[c.version]} with ${c.rule} at byte ${c.offset}`, () => {
        const error = malformed(c.hex, c.version);
        expect({ offset: error.offset, field: error.field, rule: error.rule }).toEqual({ offset: c.offset, field: c.field, rule: c.rule });
        // The codec says what is wrong as a catalogue message; both languages have its sentence.
        expect(hasKey(error.explanation.key), error.explanation.key).toBe(true);
        const en = codecText('en', error.explanation);
        expect(en.length).toBeGreaterThan(10);
        expect(en).not.toMatch(/\{\w+\}|codec\./);
        expect(codecText('zh-cn', error.explanation)).toMatch(/[\u4e00-\u9fff]/);
        expect(error.message).toContain(c.rule);
      });
      if (c.model !== undefined) {
        const model = c.model;
        it(`refuses to encode ${c.what} in ${V[c.version]}, citing the same rule ${c.rule}`, () => {
          const error = invalid(model, c.version);
          expect({ rule: error.rule, field: error.field }).toEqual({ rule: c.rule, field: c.modelField ?? c.field });
        });
      }
    }
  });
}

describe('malformed packets in a stream', () => {
  it('reports every malformed case through a StreamDecoder with the same rule, at its offset in the stream', () => {
    const ping = h('c0 00');
    for (const c of ALL) {
      const bytes = h(c.hex);
      // After a PINGREQ in the same chunk (decoded in place) …
      const together = new StreamDecoder({ protocolVersion: c.version });
      const { packets, error } = together.feed(concat(ping, bytes));
      expect(packets.map((p) => p.packet.type), c.what).toEqual(['PINGREQ']);
      expect({ rule: error?.rule, offset: error?.offset, field: error?.field }, c.what).toEqual({ rule: c.rule, offset: c.offset + 2, field: c.field });
      // … and byte by byte after a PINGREQ (decoded from a copy).
      const apart = new StreamDecoder({ protocolVersion: c.version });
      apart.push(ping);
      let failure: MalformedPacketError | null = null;
      for (const byte of bytes) {
        failure = apart.feed(Uint8Array.of(byte)).error;
        if (failure !== null) break;
      }
      expect({ rule: failure?.rule, offset: failure?.offset, field: failure?.field }, `${c.what} byte by byte`).toEqual({ rule: c.rule, offset: c.offset + 2, field: c.field });
    }
  });
});

describe('what the other versions accept', () => {
  it('accepts a 3.1 PUBREL with DUP set (0x6a), as 3.1 allowed on re-delivery', () => {
    expect(decodePacket(h('6a 02 0001'), { protocolVersion: 3 }).packet).toEqual({ type: 'PUBREL', packetId: 1 });
  });

  it('accepts a 3.1 QoS 0 PUBLISH with DUP set, which only 3.1.1 forbids', () => {
    expect(decodePacket(h('38 05 0003 612f62'), { protocolVersion: 3 }).packet).toMatchObject({ type: 'PUBLISH', dup: true, qos: 0 });
  });

  it('accepts a password without a user name in 5.0, both ways', () => {
    const hex = '10 11 0004 4d515454 05 42 0000 00 0001 70 0001 78';
    const packet = decodePacket(h(hex), { protocolVersion: 5 }).packet;
    expect(packet).toMatchObject({ type: 'CONNECT', clientId: 'p', password: new Uint8Array([0x78]) });
    expect(packet).not.toHaveProperty('username');
    expect(encodePacket(packet)).toEqual(h(hex));
  });

  it('accepts a Subscription Identifier repeated in a PUBLISH (one per matching subscription)', () => {
    expect(decodePacket(h('30 08 0001 61 04 0b01 0b01'), { protocolVersion: 5 }).packet).toMatchObject({ properties: { subscriptionIdentifiers: [1, 1] } });
  });

  it('accepts bytes that are malformed as 3.1.1 when they are read as 5.0, and the other way round', () => {
    // A 5.0 CONNACK with an empty property block has a byte too many for 3.1.1 …
    expect(decodePacket(h('20 03 00 00 00'), { protocolVersion: 5 }).packet).toEqual({ type: 'CONNACK', sessionPresent: false, reasonCode: 0, properties: {} });
    expect(decodeError(h('20 03 00 00 00'), 4)).toBeInstanceOf(MalformedPacketError);
    // … and a 3.1.1 CONNACK lacks the property length 5.0 requires.
    expect(decodeError(h('20 02 00 00'), 5)).toBeInstanceOf(MalformedPacketError);
  });
});

describe('incomplete input', () => {
  const incomplete = (hex: string, version: ProtocolVersion = 4): IncompletePacketError => {
    const error = decodeError(h(hex), version);
    if (!(error instanceof IncompletePacketError)) throw new Error(`expected an IncompletePacketError, got ${String(error)}`);
    return error;
  };

  it('says a PUBLISH cut after its first topic byte (30 0d 00 03 61) needs 10 more bytes', () => {
    const error = incomplete('30 0d 00 03 61');
    expect(error).not.toBeInstanceOf(MalformedPacketError);
    expect(error.needed).toBe(10);
    expect(error.offset).toBe(5);
  });

  it('says a lone type byte (30) needs 1 more byte for its remaining length', () => {
    expect(incomplete('30').needed).toBe(1);
  });

  it('says a remaining length with its continuation bit set (30 80) needs 1 more byte', () => {
    expect(incomplete('30 80').needed).toBe(1);
    expect(incomplete('30 80 80 80', 5).needed).toBe(1);
  });

  it('says empty input needs 1 byte', () => {
    expect(incomplete('').needed).toBe(1);
  });

  it('says a packet announcing the largest remaining length needs all of it', () => {
    expect(incomplete('30 ff ff ff 7f').needed).toBe(268_435_455);
  });

  it('counts what is missing from the given offset, not from the start of the input', () => {
    const bytes = h('c0 00 82 06 00 01 00 01');
    let error: unknown;
    try {
      decodePacket(bytes, { protocolVersion: 4 }, 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IncompletePacketError);
    expect((error as IncompletePacketError).needed).toBe(2);
  });

  it('treats a truncated packet as incomplete even when its complete prefix already breaks a rule later bytes cannot fix', () => {
    // QoS 3 is visible in the first byte, but the decoder waits for the packet before judging it:
    // only a whole packet is malformed or not.
    expect(incomplete('36 07 00').needed).toBe(6);
  });
});
