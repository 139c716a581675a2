/**
 * Bytes → packets. One function per packet type behind `decodePacket`, each validating every
 * packet-format rule of 3.1, 3.1.1 and 5.0 and naming the spec rule it enforces.
 */
import { BinaryReader, bytesToHex } from './binary-reader.ts';
import {
  PACKET_TYPE_NAMES, PROPERTY_BY_ID, PROTOCOL_NAMES, RESERVED_FLAGS, REASON_CODE_RULES,
  reasonCodeFor, reasonCodeName, reservedFlagsRule, type PropertyContext,
} from './constants.ts';
import { IncompletePacketError, MalformedPacketError } from './errors.ts';
import { findTopicFilterProblem, findWildcard, wildcardInNameRule } from './topic-rules.ts';
import type {
  AuthPacket, BitField, CodecMessage, ConnackPacket, ConnectPacket, DecodeOptions, DecodedPacket, DisconnectPacket,
  FieldSpan, Packet, PacketType, Properties, ProtocolVersion, PubAckLikePacket, PublishPacket, QoS,
  SubackPacket, SubscribePacket, Subscription, UnsubackPacket, UnsubscribePacket, Will,
} from './types.ts';

/** Largest whole packet: 1 type byte + 4 length bytes + 268 435 455. */
export const MAX_PACKET_SIZE = 268_435_460;

export interface FixedHeader {
  type: PacketType;
  flags: number;
  remainingLength: number;
  /** 2 to 5 bytes. */
  headerLength: number;
}

const lengthRule = (version: ProtocolVersion) => (version === 5 ? 'MQTT-5.0 §2.1.4' : 'MQTT-3.1.1 §2.2.3');
const vbiMinimalRule = (version: ProtocolVersion) => (version === 5 ? 'MQTT-1.5.5-1' : 'MQTT-3.1.1 §2.2.3');

/**
 * Reads the fixed header at `offset`. Throws IncompletePacketError while the header itself is
 * cut short, MalformedPacketError for a reserved type, bad flags or a bad remaining length.
 * Flag rules that depend on the version of a CONNECT are checked in `decodePacket`.
 */
export function readFixedHeader(bytes: Uint8Array, offset: number, version: ProtocolVersion): FixedHeader {
  if (offset >= bytes.length) throw new IncompletePacketError(offset, 1, 'fixedHeader');
  const first = bytes[offset]!;
  const typeCode = first >> 4;
  const type = PACKET_TYPE_NAMES[typeCode];
  if (type === null || type === undefined) {
    throw new MalformedPacketError(offset, 'fixedHeader.type', version === 5 ? 'MQTT-5.0 §2.1.2' : 'MQTT-3.1.1 §2.2.1',
      { key: 'codec.e.type0' });
  }
  if (type === 'AUTH' && version !== 5) {
    throw new MalformedPacketError(offset, 'fixedHeader.type', 'MQTT-3.1.1 §2.2.1',
      { key: 'codec.e.authNot5' });
  }
  let remainingLength = 0;
  let multiplier = 1;
  let i = 1;
  for (; ; i++) {
    const at = offset + i;
    if (i === 5) {
      throw new MalformedPacketError(offset + 1, 'fixedHeader.remainingLength', version === 5 ? 'MQTT-5.0 §1.5.5' : 'MQTT-3.1.1 §2.2.3',
        { key: 'codec.e.rlTooLong' });
    }
    if (at >= bytes.length) throw new IncompletePacketError(at, 1, 'fixedHeader.remainingLength');
    const byte = bytes[at]!;
    remainingLength += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 1) {
        throw new MalformedPacketError(offset + 1, 'fixedHeader.remainingLength', vbiMinimalRule(version),
          { key: 'codec.e.rlNotMinimal', values: { bytes: i, less: i - 1 } });
      }
      break;
    }
    multiplier *= 128;
  }
  return { type, flags: first & 0x0f, remainingLength, headerLength: i + 1 };
}

/**
 * Decodes exactly one packet starting at `offset`. The protocol version comes from the options,
 * except for CONNECT, which announces its own.
 */
export function decodePacket(bytes: Uint8Array, options: DecodeOptions = {}, offset = 0): DecodedPacket {
  let version: ProtocolVersion = options.protocolVersion ?? 4;
  const header = readFixedHeader(bytes, offset, version);
  const length = header.headerLength + header.remainingLength;
  const maximum = options.maximumPacketSize ?? MAX_PACKET_SIZE;
  if (length > maximum) {
    throw new MalformedPacketError(offset + 1, 'fixedHeader.remainingLength', version === 5 ? 'MQTT-5.0 §3.1.2.11.4' : 'MQTT-3.1.1 §2.2.3',
      { key: 'codec.e.tooBig', values: { length, maximum } });
  }
  const available = bytes.length - offset;
  if (available < length) {
    throw new IncompletePacketError(bytes.length, length - available, 'packet');
  }
  const bodyStart = offset + header.headerLength;
  const end = offset + length;
  if (header.type === 'CONNECT') version = peekConnectVersion(bytes, bodyStart, end) ?? version;

  const spans: FieldSpan[] | null = options.annotate ? [] : null;
  const reader = new BinaryReader(bytes, bodyStart, end, version, spans);
  checkFlags(reader, header, offset);
  if (spans !== null) {
    spans.push({ offset, length: 1, path: 'fixedHeader', label: { key: 'codec.f.fixedHeader', values: { type: header.type } }, value: bytes[offset]!, bits: fixedHeaderBits(header, version) });
    spans.push({ offset: offset + 1, length: header.headerLength - 1, path: 'fixedHeader.remainingLength', label: { key: 'codec.f.remainingLength' }, value: header.remainingLength });
  }

  const packet = PARSERS[header.type](reader, header);
  if (reader.pos !== end) {
    throw new MalformedPacketError(reader.pos, 'fixedHeader.remainingLength', lengthRule(version),
      { key: 'codec.e.leftOver', values: { n: end - reader.pos, type: header.type } });
  }
  const decoded: DecodedPacket = { packet, offset, length, remainingLength: header.remainingLength };
  if (spans !== null) decoded.fields = spans;
  return decoded;
}

/** The protocol level a CONNECT announces, when its bytes are there to read. */
function peekConnectVersion(bytes: Uint8Array, start: number, end: number): ProtocolVersion | undefined {
  if (end - start < 2) return undefined;
  const nameLength = (bytes[start]! << 8) | bytes[start + 1]!;
  const levelAt = start + 2 + nameLength;
  if (levelAt >= end) return undefined;
  const level = bytes[levelAt]!;
  return level === 3 || level === 4 || level === 5 ? level : undefined;
}

function checkFlags(reader: BinaryReader, header: FixedHeader, offset: number): void {
  const { type, flags } = header;
  const version = reader.version;
  if (type === 'PUBLISH') {
    const qos = (flags >> 1) & 3;
    if (qos === 3) {
      throw new MalformedPacketError(offset, 'fixedHeader.flags.qos', 'MQTT-3.3.1-4',
        { key: 'codec.e.qos3' });
    }
    if (qos === 0 && (flags & 0x08) !== 0 && version !== 3) {
      throw new MalformedPacketError(offset, 'fixedHeader.flags.dup', 'MQTT-3.3.1-2',
        { key: 'codec.e.dupQos0' });
    }
    return;
  }
  const expected = RESERVED_FLAGS[type];
  // MQTT 3.1 let a re-sent PUBREL, SUBSCRIBE or UNSUBSCRIBE carry DUP (0b1010).
  if (flags === expected || (version === 3 && expected === 2 && flags === 0x0a)) return;
  // MQTT 3.1 has DUP/QoS/RETAIN in every fixed header and no rule about them in CONNECT: reserved
  // flag bits (MQTT-2.2.2-1) came with 3.1.1. mosquitto accepts them from a 3.1 client too.
  if (version === 3 && type === 'CONNECT') return;
  throw new MalformedPacketError(offset, 'fixedHeader.flags', reservedFlagsRule(type, version),
    { key: 'codec.e.reservedFlags', values: { type, expected: bin4(expected), flags: bin4(flags) } });
}

function fixedHeaderBits(header: FixedHeader, version: ProtocolVersion): BitField[] {
  const typeCode = PACKET_TYPE_NAMES.indexOf(header.type);
  const bits: BitField[] = [{ path: 'fixedHeader.type', label: { key: 'codec.b.type' }, mask: 0xf0, shift: 4, value: typeCode, meaning: { key: 'codec.m.name', values: { name: header.type } } }];
  if (header.type === 'PUBLISH') {
    const qos = (header.flags >> 1) & 3;
    bits.push(
      { path: 'fixedHeader.flags.dup', label: { key: 'codec.b.dup' }, mask: 0x08, shift: 3, value: (header.flags >> 3) & 1, meaning: { key: 'codec.m.dup', values: { v: (header.flags >> 3) & 1 } } },
      { path: 'fixedHeader.flags.qos', label: { key: 'codec.b.qos' }, mask: 0x06, shift: 1, value: qos, meaning: { key: 'codec.m.qos', values: { qos } } },
      { path: 'fixedHeader.flags.retain', label: { key: 'codec.b.retain' }, mask: 0x01, shift: 0, value: header.flags & 1, meaning: { key: 'codec.m.retain', values: { v: header.flags & 1 } } },
    );
  } else if (header.type === 'CONNECT' && version === 3) {
    bits.push({ path: 'fixedHeader.flags', label: { key: 'codec.b.flags' }, mask: 0x0f, shift: 0, value: header.flags, meaning: { key: 'codec.m.connect31Flags' } });
  } else {
    const expected = RESERVED_FLAGS[header.type].toString(2).padStart(4, '0');
    bits.push({ path: 'fixedHeader.flags', label: { key: 'codec.b.reservedFlags' }, mask: 0x0f, shift: 0, value: header.flags, meaning: { key: 'codec.m.reservedMust', values: { expected } } });
  }
  return bits;
}

type Parser = (reader: BinaryReader, header: FixedHeader) => Packet;

const PARSERS: Readonly<Record<PacketType, Parser>> = {
  CONNECT: parseConnect,
  CONNACK: parseConnack,
  PUBLISH: parsePublish,
  PUBACK: parsePubAckLike,
  PUBREC: parsePubAckLike,
  PUBREL: parsePubAckLike,
  PUBCOMP: parsePubAckLike,
  SUBSCRIBE: parseSubscribe,
  SUBACK: parseSuback,
  UNSUBSCRIBE: parseUnsubscribe,
  UNSUBACK: parseUnsuback,
  PINGREQ: () => ({ type: 'PINGREQ' }),
  PINGRESP: () => ({ type: 'PINGRESP' }),
  DISCONNECT: parseDisconnect,
  AUTH: parseAuth,
};

function parseConnect(reader: BinaryReader): ConnectPacket {
  const nameOffset = reader.pos + 2;
  const protocolName = reader.utf8('protocolName', 'codec.f.protocolName');
  const levelOffset = reader.pos;
  const protocolLevel = reader.byte('protocolLevel', 'codec.f.protocolLevel');
  if (protocolName !== 'MQTT' && protocolName !== 'MQIsdp') {
    throw new MalformedPacketError(nameOffset, 'protocolName', 'MQTT-3.1.2-1',
      { key: 'codec.e.protocolName', values: { name: JSON.stringify(protocolName) } });
  }
  if (protocolLevel !== 3 && protocolLevel !== 4 && protocolLevel !== 5) {
    const bridge = (protocolLevel & 0x80) !== 0 && (protocolLevel & 0x7f) >= 3 && (protocolLevel & 0x7f) <= 5;
    throw new MalformedPacketError(levelOffset, 'protocolLevel', 'MQTT-3.1.2-2', bridge
      ? { key: 'codec.e.levelBridge', values: { hex: hex2(protocolLevel), level: protocolLevel & 0x7f } }
      : { key: 'codec.e.levelUnknown', values: { level: protocolLevel } });
  }
  if (PROTOCOL_NAMES[protocolLevel] !== protocolName) {
    throw new MalformedPacketError(levelOffset, 'protocolLevel', 'MQTT-3.1.2-1',
      { key: 'codec.e.nameLevel', values: { name: protocolName, level: protocolLevel } });
  }
  const version = reader.version;
  const flagsOffset = reader.pos;
  const flags = reader.flagByte('connectFlags', 'codec.f.connectFlags');
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const willRetain = (flags & 0x20) !== 0;
  const willQos = (flags >> 3) & 3;
  const hasWill = (flags & 0x04) !== 0;
  const cleanSession = (flags & 0x02) !== 0;
  if (reader.spans !== null) {
    reader.span(flagsOffset, 1, 'connectFlags', 'codec.f.connectFlags', flags, [
      { path: 'connectFlags.username', label: { key: 'codec.b.usernameFlag' }, mask: 0x80, shift: 7, value: hasUsername ? 1 : 0 },
      { path: 'connectFlags.password', label: { key: 'codec.b.passwordFlag' }, mask: 0x40, shift: 6, value: hasPassword ? 1 : 0 },
      { path: 'connectFlags.willRetain', label: { key: 'codec.b.willRetain' }, mask: 0x20, shift: 5, value: willRetain ? 1 : 0 },
      { path: 'connectFlags.willQos', label: { key: 'codec.b.willQos' }, mask: 0x18, shift: 3, value: willQos },
      { path: 'connectFlags.will', label: { key: 'codec.b.willFlag' }, mask: 0x04, shift: 2, value: hasWill ? 1 : 0 },
      { path: 'connectFlags.cleanSession', label: { key: version === 5 ? 'codec.b.cleanStart' : 'codec.b.cleanSession' }, mask: 0x02, shift: 1, value: cleanSession ? 1 : 0 },
      { path: 'connectFlags.reserved', label: RESERVED, mask: 0x01, shift: 0, value: flags & 1, meaning: version === 3 ? { key: 'codec.m.unused31' } : MUST_BE_0 },
    ]);
  }
  // MQTT-3.1.2-3 is a 3.1.1 rule: 3.1 leaves bit 0 unused and says nothing of its value.
  if ((flags & 0x01) !== 0 && version !== 3) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.reserved', 'MQTT-3.1.2-3', { key: 'codec.e.connectReserved' });
  }
  if (!hasWill && willQos !== 0) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willQos', version === 5 ? 'MQTT-3.1.2-11' : 'MQTT-3.1.2-13',
      { key: 'codec.e.willQosNoWill', values: { qos: willQos } });
  }
  if (!hasWill && willRetain) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willRetain', version === 5 ? 'MQTT-3.1.2-13' : 'MQTT-3.1.2-15',
      { key: 'codec.e.willRetainNoWill' });
  }
  if (willQos === 3) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willQos', version === 5 ? 'MQTT-3.1.2-12' : 'MQTT-3.1.2-14',
      { key: 'codec.e.willQos3' });
  }
  if (version === 4 && hasPassword && !hasUsername) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.password', 'MQTT-3.1.2-22',
      { key: 'codec.e.passwordNoUser' });
  }
  const keepAlive = reader.uint16('keepAlive', 'codec.f.keepAlive');
  const packet: ConnectPacket = { type: 'CONNECT', protocolName, protocolLevel: version, cleanSession, keepAlive, clientId: '' };
  if (version === 5) packet.properties = parseProperties(reader, 'CONNECT', 'properties');
  packet.clientId = reader.utf8('clientId', 'codec.f.clientId');
  if (hasWill) {
    const will: Will = { topic: '', payload: new Uint8Array(0), qos: willQos as QoS, retain: willRetain };
    if (version === 5) will.properties = parseProperties(reader, 'WILL', 'will.properties');
    const topicOffset = reader.pos + 2;
    will.topic = reader.utf8('will.topic', 'codec.f.willTopic');
    checkTopicName(will.topic, topicOffset, 'will.topic', version);
    will.payload = reader.binary('will.payload', 'codec.f.willPayload');
    packet.will = will;
  }
  if (hasUsername) packet.username = reader.utf8('username', 'codec.f.username');
  if (hasPassword) packet.password = reader.binary('password', 'codec.f.password');
  return packet;
}

function parseConnack(reader: BinaryReader): ConnackPacket {
  const version = reader.version;
  const flagsOffset = reader.pos;
  const flags = reader.flagByte('connackFlags', 'codec.f.connackFlags');
  if (reader.spans !== null) {
    reader.span(flagsOffset, 1, 'connackFlags', 'codec.f.connackFlags', flags, [
      { path: 'connackFlags.reserved', label: RESERVED, mask: 0xfe, shift: 1, value: flags >> 1, meaning: MUST_BE_0 },
      { path: 'connackFlags.sessionPresent', label: { key: 'codec.b.sessionPresent' }, mask: 0x01, shift: 0, value: flags & 1 },
    ]);
  }
  if ((flags & 0xfe) !== 0 && version !== 3) {
    throw new MalformedPacketError(flagsOffset, 'connackFlags.reserved', version === 5 ? 'MQTT-3.2.2-1' : 'MQTT-3.1.1 §3.2.2.1',
      { key: 'codec.e.connackReserved', values: { hex: hex2(flags) } });
  }
  const codeOffset = reader.pos;
  const reasonCode = reader.byte('reasonCode', version === 5 ? 'codec.f.connectReason' : 'codec.f.connectReturn');
  if (version !== 5 && reasonCode > 5) {
    throw new MalformedPacketError(codeOffset, 'reasonCode', 'MQTT-3.1.1 §3.2.2.3',
      { key: 'codec.e.connackCode', values: { code: reasonCode } });
  }
  if (version === 5) checkReasonCode(reasonCode, 'CONNACK', codeOffset, 'reasonCode');
  const sessionPresent = version === 3 ? false : (flags & 1) === 1;
  if (sessionPresent && reasonCode !== 0) {
    throw new MalformedPacketError(flagsOffset, 'connackFlags.sessionPresent', version === 5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4',
      { key: 'codec.e.sessionRefused', values: { hex: hex2(reasonCode) } });
  }
  const packet: ConnackPacket = { type: 'CONNACK', sessionPresent, reasonCode };
  if (version === 5) packet.properties = parseProperties(reader, 'CONNACK', 'properties');
  return packet;
}

function parsePublish(reader: BinaryReader, header: FixedHeader): PublishPacket {
  const version = reader.version;
  const qos = ((header.flags >> 1) & 3) as QoS;
  const topicOffset = reader.pos + 2;
  const topic = reader.utf8('topic', 'codec.f.topic');
  const packet: PublishPacket = { type: 'PUBLISH', dup: (header.flags & 8) !== 0, qos, retain: (header.flags & 1) !== 0, topic, payload: EMPTY };
  if (qos > 0) packet.packetId = readPacketId(reader, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  if (version === 5) packet.properties = parseProperties(reader, 'PUBLISH', 'properties');
  if (topic.length === 0) {
    if (version !== 5) {
      throw new MalformedPacketError(topicOffset - 2, 'topic', 'MQTT-4.7.3-1', EMPTY_TOPIC);
    }
    if (packet.properties?.topicAlias === undefined) {
      throw new MalformedPacketError(topicOffset - 2, 'topic', 'MQTT-5.0 §3.3.2.1',
        { key: 'codec.e.emptyTopicNoAlias' });
    }
  } else {
    checkTopicName(topic, topicOffset, 'topic', version);
  }
  packet.payload = reader.rest('payload', 'codec.f.payload');
  return packet;
}

const EMPTY = new Uint8Array(0);

function checkTopicName(topic: string, textOffset: number, field: string, version: ProtocolVersion): void {
  if (topic.length === 0) {
    throw new MalformedPacketError(textOffset - 2, field, 'MQTT-4.7.3-1', EMPTY_TOPIC);
  }
  const at = findWildcard(topic);
  if (at !== -1) {
    throw new MalformedPacketError(textOffset + utf8ByteOffset(topic, at), field, field === 'topic' ? 'MQTT-3.3.2-2' : wildcardInNameRule(version),
      { key: 'codec.e.wildcardInName', values: { char: topic[at]!, at: at + 1 } });
  }
}

/** Byte offset of UTF-16 index `index` in the UTF-8 encoding of `text`. */
function utf8ByteOffset(text: string, index: number): number {
  let bytes = 0;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

function readPacketId(reader: BinaryReader, rule: string): number {
  const offset = reader.pos;
  const packetId = reader.uint16('packetId', 'codec.f.packetId');
  if (packetId === 0) {
    throw new MalformedPacketError(offset, 'packetId', rule, { key: 'codec.e.packetId0' });
  }
  return packetId;
}

function parsePubAckLike(reader: BinaryReader, header: FixedHeader): PubAckLikePacket {
  const type = header.type as PubAckLikePacket['type'];
  const version = reader.version;
  const packet: PubAckLikePacket = { type, packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-5' : 'MQTT-2.3.1-6') };
  if (version === 5) {
    // 5.0 §3.4.2.1: a remaining length of 2 means reason code 0x00 and no properties.
    if (reader.remaining > 0) {
      const codeOffset = reader.pos;
      packet.reasonCode = reader.byte('reasonCode', { key: 'codec.f.reasonCodeOf', values: { type } });
      checkReasonCode(packet.reasonCode, type, codeOffset, 'reasonCode');
    }
    if (reader.remaining > 0) packet.properties = parseProperties(reader, type, 'properties');
  }
  return packet;
}

function parseSubscribe(reader: BinaryReader): SubscribePacket {
  const version = reader.version;
  const packet: SubscribePacket = { type: 'SUBSCRIBE', packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1'), subscriptions: [] };
  if (version === 5) packet.properties = parseProperties(reader, 'SUBSCRIBE', 'properties');
  if (reader.remaining === 0) {
    throw new MalformedPacketError(reader.pos, 'subscriptions', version === 5 ? 'MQTT-3.8.3-2' : 'MQTT-3.8.3-3',
      { key: 'codec.e.subscribeEmpty' });
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const path = `subscriptions[${i}]`;
    const filterOffset = reader.pos + 2;
    const topicFilter = reader.utf8(`${path}.topicFilter`, 'codec.f.topicFilter');
    checkTopicFilter(topicFilter, filterOffset - 2, `${path}.topicFilter`, version);
    const optionsOffset = reader.pos;
    const options = reader.flagByte(`${path}.options`, version === 5 ? 'codec.f.subOptions' : 'codec.f.requestedQos');
    const qos = options & 3;
    const subscription: Subscription = { topicFilter, qos: qos as QoS };
    if (version === 5) {
      subscription.noLocal = (options & 0x04) !== 0;
      subscription.retainAsPublished = (options & 0x08) !== 0;
      subscription.retainHandling = ((options >> 4) & 3) as 0 | 1 | 2;
    }
    if (reader.spans !== null) {
      reader.span(optionsOffset, 1, `${path}.options`, version === 5 ? 'codec.f.subOptions' : 'codec.f.requestedQos', options, version === 5
        ? [
          { path: `${path}.options.reserved`, label: RESERVED, mask: 0xc0, shift: 6, value: options >> 6, meaning: MUST_BE_0 },
          { path: `${path}.retainHandling`, label: { key: 'codec.b.retainHandling' }, mask: 0x30, shift: 4, value: (options >> 4) & 3, meaning: { key: 'codec.m.retainHandling', values: { v: (options >> 4) & 3 } } },
          { path: `${path}.retainAsPublished`, label: { key: 'codec.b.retainAsPublished' }, mask: 0x08, shift: 3, value: (options >> 3) & 1 },
          { path: `${path}.noLocal`, label: { key: 'codec.b.noLocal' }, mask: 0x04, shift: 2, value: (options >> 2) & 1 },
          { path: `${path}.qos`, label: { key: 'codec.b.maximumQos' }, mask: 0x03, shift: 0, value: qos, meaning: { key: 'codec.m.qos', values: { qos } } },
        ]
        : [
          { path: `${path}.options.reserved`, label: RESERVED, mask: 0xfc, shift: 2, value: options >> 2, meaning: MUST_BE_0 },
          { path: `${path}.qos`, label: { key: 'codec.b.requestedQos' }, mask: 0x03, shift: 0, value: qos, meaning: { key: 'codec.m.qos', values: { qos } } },
        ]);
    }
    if (version !== 5) {
      if ((options & 0xfc) !== 0 || qos === 3) {
        throw new MalformedPacketError(optionsOffset, qos === 3 ? `${path}.qos` : `${path}.options.reserved`, 'MQTT-3-8.3-4',
          qos === 3 ? { key: 'codec.e.requestedQos3' } : { key: 'codec.e.requestedQosReserved', values: { hex: hex2(options) } });
      }
    } else {
      if ((options & 0xc0) !== 0) {
        throw new MalformedPacketError(optionsOffset, `${path}.options.reserved`, 'MQTT-3.8.3-5',
          { key: 'codec.e.subOptionsReserved', values: { hex: hex2(options) } });
      }
      if (qos === 3) {
        throw new MalformedPacketError(optionsOffset, `${path}.qos`, 'MQTT-5.0 §3.8.3.1', { key: 'codec.e.maximumQos3' });
      }
      if (((options >> 4) & 3) === 3) {
        throw new MalformedPacketError(optionsOffset, `${path}.retainHandling`, 'MQTT-5.0 §3.8.3.1', { key: 'codec.e.retainHandling3' });
      }
      if (subscription.noLocal && topicFilter.startsWith('$share/')) {
        throw new MalformedPacketError(optionsOffset, `${path}.noLocal`, 'MQTT-3.8.3-4', { key: 'codec.e.noLocalShared' });
      }
    }
    packet.subscriptions.push(subscription);
  }
  return packet;
}

const RESERVED: CodecMessage = { key: 'codec.b.reserved' };
const MUST_BE_0: CodecMessage = { key: 'codec.m.mustBe0' };
const EMPTY_TOPIC: CodecMessage = { key: 'codec.e.emptyTopic' };
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
const bin4 = (n: number) => n.toString(2).padStart(4, '0');

function checkTopicFilter(filter: string, lengthOffset: number, field: string, version: ProtocolVersion): void {
  const problem = findTopicFilterProblem(filter, version);
  if (problem !== null) {
    const at = problem.index < 0 ? lengthOffset : lengthOffset + 2 + utf8ByteOffset(filter, problem.index);
    throw new MalformedPacketError(at, field, problem.rule, problem.explanation);
  }
}

function parseSuback(reader: BinaryReader): SubackPacket {
  const version = reader.version;
  const packet: SubackPacket = { type: 'SUBACK', packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7'), reasonCodes: [] };
  if (version === 5) packet.properties = parseProperties(reader, 'SUBACK', 'properties');
  if (reader.remaining === 0) {
    throw new MalformedPacketError(reader.pos, 'reasonCodes', version === 5 ? 'MQTT-3.8.4-6' : 'MQTT-3.8.4-5',
      { key: 'codec.e.subackEmpty' });
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const offset = reader.pos;
    const code = reader.byte(`reasonCodes[${i}]`, version === 5 ? 'codec.f.subscribeReason' : 'codec.f.subscribeReturn');
    if (version === 5) checkReasonCode(code, 'SUBACK', offset, `reasonCodes[${i}]`);
    else if (code > 2 && code !== 0x80) {
      throw new MalformedPacketError(offset, `reasonCodes[${i}]`, 'MQTT-3.9.3-2',
        { key: 'codec.e.subackCode', values: { hex: hex2(code) } });
    }
    packet.reasonCodes.push(code);
  }
  return packet;
}

function parseUnsubscribe(reader: BinaryReader): UnsubscribePacket {
  const version = reader.version;
  const packet: UnsubscribePacket = { type: 'UNSUBSCRIBE', packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1'), topicFilters: [] };
  if (version === 5) packet.properties = parseProperties(reader, 'UNSUBSCRIBE', 'properties');
  if (reader.remaining === 0) {
    throw new MalformedPacketError(reader.pos, 'topicFilters', 'MQTT-3.10.3-2', { key: 'codec.e.unsubscribeEmpty' });
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const lengthOffset = reader.pos;
    const filter = reader.utf8(`topicFilters[${i}]`, 'codec.f.topicFilter');
    checkTopicFilter(filter, lengthOffset, `topicFilters[${i}]`, version);
    packet.topicFilters.push(filter);
  }
  return packet;
}

function parseUnsuback(reader: BinaryReader): UnsubackPacket {
  const version = reader.version;
  const packet: UnsubackPacket = { type: 'UNSUBACK', packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7') };
  if (version === 5) {
    packet.properties = parseProperties(reader, 'UNSUBACK', 'properties');
    packet.reasonCodes = [];
    if (reader.remaining === 0) {
      throw new MalformedPacketError(reader.pos, 'reasonCodes', 'MQTT-3.11.3-2', { key: 'codec.e.unsubackEmpty' });
    }
    for (let i = 0; reader.remaining > 0; i++) {
      const offset = reader.pos;
      const code = reader.byte(`reasonCodes[${i}]`, 'codec.f.unsubscribeReason');
      checkReasonCode(code, 'UNSUBACK', offset, `reasonCodes[${i}]`);
      packet.reasonCodes.push(code);
    }
  }
  return packet;
}

function parseDisconnect(reader: BinaryReader): DisconnectPacket {
  const packet: DisconnectPacket = { type: 'DISCONNECT' };
  if (reader.version === 5) {
    // 5.0 §3.14.2.1: a remaining length of 0 means 0x00 Normal disconnection and no properties.
    if (reader.remaining > 0) {
      const offset = reader.pos;
      packet.reasonCode = reader.byte('reasonCode', 'codec.f.disconnectReason');
      checkReasonCode(packet.reasonCode, 'DISCONNECT', offset, 'reasonCode');
    }
    if (reader.remaining > 0) packet.properties = parseProperties(reader, 'DISCONNECT', 'properties');
  }
  return packet;
}

function parseAuth(reader: BinaryReader): AuthPacket {
  const packet: AuthPacket = { type: 'AUTH' };
  if (reader.remaining > 0) {
    const offset = reader.pos;
    packet.reasonCode = reader.byte('reasonCode', 'codec.f.authReason');
    checkReasonCode(packet.reasonCode, 'AUTH', offset, 'reasonCode');
    packet.properties = parseProperties(reader, 'AUTH', 'properties');
  }
  return packet;
}

function checkReasonCode(code: number, type: PacketType, offset: number, field: string): void {
  if (reasonCodeFor(type, code) === undefined) {
    throw new MalformedPacketError(offset, field, REASON_CODE_RULES[type] ?? 'MQTT-5.0 §2.4',
      { key: 'codec.e.reasonCode', values: { hex: hex2(code), type } });
  }
}

/** Where each packet's properties are defined, each with "It is a Protocol Error to include … more than once". */
export const DUPLICATE_PROPERTY_RULES: Readonly<Record<PropertyContext, string>> = {
  CONNECT: 'MQTT-5.0 §3.1.2.11', WILL: 'MQTT-5.0 §3.1.3.2', CONNACK: 'MQTT-5.0 §3.2.2.3', PUBLISH: 'MQTT-5.0 §3.3.2.3',
  PUBACK: 'MQTT-5.0 §3.4.2.2', PUBREC: 'MQTT-5.0 §3.5.2.2', PUBREL: 'MQTT-5.0 §3.6.2.2', PUBCOMP: 'MQTT-5.0 §3.7.2.2',
  SUBSCRIBE: 'MQTT-5.0 §3.8.2.1', SUBACK: 'MQTT-5.0 §3.9.2.1', UNSUBSCRIBE: 'MQTT-5.0 §3.10.2.1', UNSUBACK: 'MQTT-5.0 §3.11.2.1',
  DISCONNECT: 'MQTT-5.0 §3.14.2.2', AUTH: 'MQTT-5.0 §3.15.2.2',
  // No properties at all in these two.
  PINGREQ: 'MQTT-5.0 §3.12', PINGRESP: 'MQTT-5.0 §3.13',
};

/**
 * A 5.0 property block: its length, then identifier/value pairs (5.0 §2.2.2). Checks that each
 * identifier is known, allowed in this packet, not repeated unless the spec allows it, and that
 * its value is in range.
 */
function parseProperties(reader: BinaryReader, context: PropertyContext, prefix: string): Properties {
  const lengthOffset = reader.pos;
  if (reader.remaining === 0) {
    throw new MalformedPacketError(lengthOffset, `${prefix}.length`, 'MQTT-2.2.2-1',
      { key: 'codec.e.propertyLengthMissing' });
  }
  const length = reader.varInt(`${prefix}.length`, 'codec.f.propertyLength');
  const end = reader.pos + length;
  if (end > reader.end) {
    throw new MalformedPacketError(lengthOffset, `${prefix}.length`, 'MQTT-5.0 §2.2.2.1',
      { key: 'codec.e.propertyLength', values: { length, left: reader.end - reader.pos } });
  }
  const properties: Properties = {};
  if (length === 0) return properties;
  const packetEnd = reader.end;
  reader.end = end;
  const where = context;
  for (let index = 0; reader.pos < end; index++) {
    const path = `${prefix}[${index}]`;
    const idOffset = reader.pos;
    const id = reader.varInt(`${path}.id`, 'codec.f.propertyId');
    const definition = PROPERTY_BY_ID[id];
    if (definition === undefined) {
      throw new MalformedPacketError(idOffset, `${path}.id`, 'MQTT-5.0 §2.2.2.2', { key: 'codec.e.propertyUnknown', values: { hex: hex2(id) } });
    }
    if (reader.spans !== null) {
      const last = reader.spans[reader.spans.length - 1]!;
      last.label = { key: 'codec.f.propertyIdOf', values: { name: `codec.p.${definition.key}` } };
    }
    if (!definition.contexts.includes(context)) {
      throw new MalformedPacketError(idOffset, `${path}.id`, 'MQTT-5.0 §2.2.2.2', { key: 'codec.e.propertyNotAllowed', values: { name: `codec.p.${definition.key}`, hex: hex2(id), where } });
    }
    const key = definition.key;
    const repeatable = definition.repeatable && !(key === 'subscriptionIdentifiers' && context === 'SUBSCRIBE');
    if (!repeatable && properties[key] !== undefined) {
      // Each property's definition says "It is a Protocol Error to include … more than once": the
      // rule cites the packet's property section, so a receiver can tell it from an identifier not
      // valid here (§2.2.2.2, a Malformed Packet).
      throw new MalformedPacketError(idOffset, `${path}.id`, key === 'subscriptionIdentifiers' ? 'MQTT-5.0 §3.8.2.1.2' : DUPLICATE_PROPERTY_RULES[context], { key: 'codec.e.propertyTwice', values: { name: `codec.p.${definition.key}`, where } });
    }
    const valueOffset = reader.pos;
    const valuePath = `${path}.value`;
    const label = `codec.p.${definition.key}`;
    switch (definition.wireType) {
      case 'byte':
      case 'twoByteInteger':
      case 'fourByteInteger':
      case 'variableByteInteger': {
        const value = definition.wireType === 'byte' ? reader.byte(valuePath, label)
          : definition.wireType === 'twoByteInteger' ? reader.uint16(valuePath, label)
            : definition.wireType === 'fourByteInteger' ? reader.uint32(valuePath, label)
              : reader.varInt(valuePath, label);
        const allowed = definition.allowed;
        if (allowed !== undefined && (value < allowed.min || value > allowed.max)) {
          throw new MalformedPacketError(valueOffset, valuePath, allowed.rule ?? 'MQTT-5.0 §2.2.2.2', { key: 'codec.e.propertyRange', values: { name: label, value, min: allowed.min, max: allowed.max } });
        }
        if (key === 'subscriptionIdentifiers') (properties.subscriptionIdentifiers ??= []).push(value);
        else (properties as Record<string, unknown>)[key] = value;
        break;
      }
      case 'utf8String':
        (properties as Record<string, unknown>)[key] = reader.utf8(valuePath, label);
        break;
      case 'binaryData':
        (properties as Record<string, unknown>)[key] = reader.binary(valuePath, label);
        break;
      case 'utf8StringPair': {
        const name = reader.utf8(`${path}.name`, 'codec.f.userPropertyName');
        const value = reader.utf8(valuePath, 'codec.f.userPropertyValue');
        (properties.userProperties ??= []).push([name, value]);
        break;
      }
    }
  }
  reader.end = packetEnd;
  return properties;
}

export { bytesToHex, reasonCodeName };
