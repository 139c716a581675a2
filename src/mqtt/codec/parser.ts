/**
 * Bytes → packets. One function per packet type behind `decodePacket`, each validating every
 * packet-format rule of 3.1, 3.1.1 and 5.0 and naming the spec rule it enforces.
 */
import { BinaryReader, bytesToHex } from './binary-reader.ts';
import {
  PACKET_TYPE_NAMES, PROPERTY_BY_ID, PROTOCOL_NAMES, QOS_MEANINGS, RESERVED_FLAGS, REASON_CODE_RULES,
  reasonCodeFor, reasonCodeName, reservedFlagsRule, type PropertyContext,
} from './constants.ts';
import { IncompletePacketError, MalformedPacketError } from './errors.ts';
import { findTopicFilterProblem, findWildcard, wildcardInNameRule } from './topic-rules.ts';
import type {
  AuthPacket, BitField, ConnackPacket, ConnectPacket, DecodeOptions, DecodedPacket, DisconnectPacket,
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
      'Packet type 0 is reserved: no MQTT packet starts with a 0x0_ byte');
  }
  if (type === 'AUTH' && version !== 5) {
    throw new MalformedPacketError(offset, 'fixedHeader.type', 'MQTT-3.1.1 §2.2.1',
      'Packet type 15 (AUTH) exists only in MQTT 5.0; in 3.1 and 3.1.1 it is reserved');
  }
  let remainingLength = 0;
  let multiplier = 1;
  let i = 1;
  for (; ; i++) {
    const at = offset + i;
    if (i === 5) {
      throw new MalformedPacketError(offset + 1, 'fixedHeader.remainingLength', version === 5 ? 'MQTT-5.0 §1.5.5' : 'MQTT-3.1.1 §2.2.3',
        'The remaining length has a continuation bit on its fourth byte: it may be at most four bytes long');
    }
    if (at >= bytes.length) throw new IncompletePacketError(at, 1, 'fixedHeader.remainingLength');
    const byte = bytes[at]!;
    remainingLength += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 1) {
        throw new MalformedPacketError(offset + 1, 'fixedHeader.remainingLength', vbiMinimalRule(version),
          `The remaining length is not minimally encoded: ${i} bytes where ${i - 1} would do (a trailing 0x00 group adds nothing)`);
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
      `The packet is ${length} bytes, more than the maximum packet size of ${maximum} bytes`);
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
    spans.push({ offset, length: 1, path: 'fixedHeader', label: `Fixed header: ${header.type} and its flags`, value: bytes[offset]!, bits: fixedHeaderBits(header, version) });
    spans.push({ offset: offset + 1, length: header.headerLength - 1, path: 'fixedHeader.remainingLength', label: 'Remaining length (variable byte integer)', value: header.remainingLength });
  }

  const packet = PARSERS[header.type](reader, header);
  if (reader.pos !== end) {
    throw new MalformedPacketError(reader.pos, 'fixedHeader.remainingLength', lengthRule(version),
      `${end - reader.pos} byte${end - reader.pos === 1 ? '' : 's'} left over after the last field of ${header.type}: the remaining length disagrees with the contents`);
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
        'PUBLISH has both QoS bits set (QoS 3): QoS must be 0, 1 or 2');
    }
    if (qos === 0 && (flags & 0x08) !== 0 && version !== 3) {
      throw new MalformedPacketError(offset, 'fixedHeader.flags.dup', 'MQTT-3.3.1-2',
        'PUBLISH has DUP set with QoS 0: a QoS 0 message is never re-delivered, so DUP must be 0');
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
    `${type} must have its reserved flag bits set to ${expected.toString(2).padStart(4, '0')}, but they are ${flags.toString(2).padStart(4, '0')}`);
}

function fixedHeaderBits(header: FixedHeader, version: ProtocolVersion): BitField[] {
  const typeCode = PACKET_TYPE_NAMES.indexOf(header.type);
  const bits: BitField[] = [{ path: 'fixedHeader.type', label: 'Packet type', mask: 0xf0, shift: 4, value: typeCode, meaning: header.type }];
  if (header.type === 'PUBLISH') {
    const qos = (header.flags >> 1) & 3;
    bits.push(
      { path: 'fixedHeader.flags.dup', label: 'DUP', mask: 0x08, shift: 3, value: (header.flags >> 3) & 1, meaning: header.flags & 8 ? 're-delivery of an earlier attempt' : 'first attempt' },
      { path: 'fixedHeader.flags.qos', label: 'QoS', mask: 0x06, shift: 1, value: qos, meaning: `QoS ${qos} — ${QOS_MEANINGS[qos]}` },
      { path: 'fixedHeader.flags.retain', label: 'RETAIN', mask: 0x01, shift: 0, value: header.flags & 1, meaning: header.flags & 1 ? 'retain this message' : 'not retained' },
    );
  } else if (header.type === 'CONNECT' && version === 3) {
    bits.push({ path: 'fixedHeader.flags', label: 'Flags', mask: 0x0f, shift: 0, value: header.flags, meaning: 'DUP, QoS and RETAIN are not used in a 3.1 CONNECT (3.1.1 made them reserved, 0000)' });
  } else {
    const expected = RESERVED_FLAGS[header.type].toString(2).padStart(4, '0');
    bits.push({ path: 'fixedHeader.flags', label: 'Reserved flags', mask: 0x0f, shift: 0, value: header.flags, meaning: `reserved, must be ${expected}` });
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
  const protocolName = reader.utf8('protocolName', 'Protocol name');
  const levelOffset = reader.pos;
  const protocolLevel = reader.byte('protocolLevel', 'Protocol level');
  if (protocolName !== 'MQTT' && protocolName !== 'MQIsdp') {
    throw new MalformedPacketError(nameOffset, 'protocolName', 'MQTT-3.1.2-1',
      `The protocol name is ${JSON.stringify(protocolName)}; it must be "MQTT" (3.1.1 and 5.0) or "MQIsdp" (3.1)`);
  }
  if (protocolLevel !== 3 && protocolLevel !== 4 && protocolLevel !== 5) {
    const bridge = (protocolLevel & 0x80) !== 0 && (protocolLevel & 0x7f) >= 3 && (protocolLevel & 0x7f) <= 5;
    throw new MalformedPacketError(levelOffset, 'protocolLevel', 'MQTT-3.1.2-2', bridge
      ? `Protocol level 0x${protocolLevel.toString(16)} is level ${protocolLevel & 0x7f} with the top bit set: a non-standard "bridge" marker some brokers send to each other (mosquitto's try_private), not part of any MQTT specification`
      : `Protocol level ${protocolLevel} is not one this codec knows (3 = 3.1, 4 = 3.1.1, 5 = 5.0); a 3.1.1 server answers CONNACK 0x01, a 5.0 server 0x84`);
  }
  if (PROTOCOL_NAMES[protocolLevel] !== protocolName) {
    throw new MalformedPacketError(levelOffset, 'protocolLevel', 'MQTT-3.1.2-1',
      `Protocol name "${protocolName}" does not go with protocol level ${protocolLevel}: 3.1 is "MQIsdp" level 3, 3.1.1 and 5.0 are "MQTT" level 4 and 5`);
  }
  const version = reader.version;
  const flagsOffset = reader.pos;
  const flags = reader.flagByte('connectFlags', 'Connect flags');
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const willRetain = (flags & 0x20) !== 0;
  const willQos = (flags >> 3) & 3;
  const hasWill = (flags & 0x04) !== 0;
  const cleanSession = (flags & 0x02) !== 0;
  if (reader.spans !== null) {
    reader.span(flagsOffset, 1, 'connectFlags', 'Connect flags', flags, [
      { path: 'connectFlags.username', label: 'User Name Flag', mask: 0x80, shift: 7, value: hasUsername ? 1 : 0 },
      { path: 'connectFlags.password', label: 'Password Flag', mask: 0x40, shift: 6, value: hasPassword ? 1 : 0 },
      { path: 'connectFlags.willRetain', label: 'Will Retain', mask: 0x20, shift: 5, value: willRetain ? 1 : 0 },
      { path: 'connectFlags.willQos', label: 'Will QoS', mask: 0x18, shift: 3, value: willQos },
      { path: 'connectFlags.will', label: 'Will Flag', mask: 0x04, shift: 2, value: hasWill ? 1 : 0 },
      { path: 'connectFlags.cleanSession', label: version === 5 ? 'Clean Start' : 'Clean Session', mask: 0x02, shift: 1, value: cleanSession ? 1 : 0 },
      { path: 'connectFlags.reserved', label: 'Reserved', mask: 0x01, shift: 0, value: flags & 1, meaning: version === 3 ? 'unused in 3.1 (3.1.1 made it reserved, must be 0)' : 'reserved, must be 0' },
    ]);
  }
  // MQTT-3.1.2-3 is a 3.1.1 rule: 3.1 leaves bit 0 unused and says nothing of its value.
  if ((flags & 0x01) !== 0 && version !== 3) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.reserved', 'MQTT-3.1.2-3', 'The reserved bit 0 of the Connect flags is set; it must be 0');
  }
  if (!hasWill && willQos !== 0) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willQos', version === 5 ? 'MQTT-3.1.2-11' : 'MQTT-3.1.2-13',
      `Will QoS is ${willQos} but the Will Flag is 0: without a will, Will QoS must be 0`);
  }
  if (!hasWill && willRetain) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willRetain', version === 5 ? 'MQTT-3.1.2-13' : 'MQTT-3.1.2-15',
      'Will Retain is 1 but the Will Flag is 0: without a will, Will Retain must be 0');
  }
  if (willQos === 3) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.willQos', version === 5 ? 'MQTT-3.1.2-12' : 'MQTT-3.1.2-14',
      'Will QoS is 3: it must be 0, 1 or 2');
  }
  if (version === 4 && hasPassword && !hasUsername) {
    throw new MalformedPacketError(flagsOffset, 'connectFlags.password', 'MQTT-3.1.2-22',
      'The Password Flag is 1 but the User Name Flag is 0: in 3.1.1 a password needs a user name');
  }
  const keepAlive = reader.uint16('keepAlive', 'Keep alive (seconds)');
  const packet: ConnectPacket = { type: 'CONNECT', protocolName, protocolLevel: version, cleanSession, keepAlive, clientId: '' };
  if (version === 5) packet.properties = parseProperties(reader, 'CONNECT', 'properties');
  packet.clientId = reader.utf8('clientId', 'Client identifier');
  if (hasWill) {
    const will: Will = { topic: '', payload: new Uint8Array(0), qos: willQos as QoS, retain: willRetain };
    if (version === 5) will.properties = parseProperties(reader, 'WILL', 'will.properties');
    const topicOffset = reader.pos + 2;
    will.topic = reader.utf8('will.topic', 'Will topic');
    checkTopicName(will.topic, topicOffset, 'will.topic', version);
    will.payload = reader.binary('will.payload', 'Will payload');
    packet.will = will;
  }
  if (hasUsername) packet.username = reader.utf8('username', 'User name');
  if (hasPassword) packet.password = reader.binary('password', 'Password');
  return packet;
}

function parseConnack(reader: BinaryReader): ConnackPacket {
  const version = reader.version;
  const flagsOffset = reader.pos;
  const flags = reader.flagByte('connackFlags', 'Connect acknowledge flags');
  if (reader.spans !== null) {
    reader.span(flagsOffset, 1, 'connackFlags', 'Connect acknowledge flags', flags, [
      { path: 'connackFlags.reserved', label: 'Reserved', mask: 0xfe, shift: 1, value: flags >> 1, meaning: 'reserved, must be 0' },
      { path: 'connackFlags.sessionPresent', label: 'Session Present', mask: 0x01, shift: 0, value: flags & 1 },
    ]);
  }
  if ((flags & 0xfe) !== 0 && version !== 3) {
    throw new MalformedPacketError(flagsOffset, 'connackFlags.reserved', version === 5 ? 'MQTT-3.2.2-1' : 'MQTT-3.1.1 §3.2.2.1',
      `Bits 7–1 of the CONNACK flags are reserved and must be 0, but the byte is 0x${flags.toString(16).padStart(2, '0')}`);
  }
  const codeOffset = reader.pos;
  const reasonCode = reader.byte('reasonCode', version === 5 ? 'Connect reason code' : 'Connect return code');
  if (version !== 5 && reasonCode > 5) {
    throw new MalformedPacketError(codeOffset, 'reasonCode', 'MQTT-3.1.1 §3.2.2.3',
      `CONNACK return code ${reasonCode} is reserved: 3.1.1 defines only 0 to 5`);
  }
  if (version === 5) checkReasonCode(reasonCode, 'CONNACK', codeOffset, 'reasonCode');
  const sessionPresent = version === 3 ? false : (flags & 1) === 1;
  if (sessionPresent && reasonCode !== 0) {
    throw new MalformedPacketError(flagsOffset, 'connackFlags.sessionPresent', version === 5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4',
      `Session Present is 1 with the non-zero ${version === 5 ? 'reason' : 'return'} code 0x${reasonCode.toString(16).padStart(2, '0')}: a refused connection has no session`);
  }
  const packet: ConnackPacket = { type: 'CONNACK', sessionPresent, reasonCode };
  if (version === 5) packet.properties = parseProperties(reader, 'CONNACK', 'properties');
  return packet;
}

function parsePublish(reader: BinaryReader, header: FixedHeader): PublishPacket {
  const version = reader.version;
  const qos = ((header.flags >> 1) & 3) as QoS;
  const topicOffset = reader.pos + 2;
  const topic = reader.utf8('topic', 'Topic name');
  const packet: PublishPacket = { type: 'PUBLISH', dup: (header.flags & 8) !== 0, qos, retain: (header.flags & 1) !== 0, topic, payload: EMPTY };
  if (qos > 0) packet.packetId = readPacketId(reader, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  if (version === 5) packet.properties = parseProperties(reader, 'PUBLISH', 'properties');
  if (topic.length === 0) {
    if (version !== 5) {
      throw new MalformedPacketError(topicOffset - 2, 'topic', 'MQTT-4.7.3-1', 'The topic name is empty: topic names must be at least one character long');
    }
    if (packet.properties?.topicAlias === undefined) {
      throw new MalformedPacketError(topicOffset - 2, 'topic', 'MQTT-5.0 §3.3.2.1',
        'The topic name is empty and there is no Topic Alias property to stand in for it');
    }
  } else {
    checkTopicName(topic, topicOffset, 'topic', version);
  }
  packet.payload = reader.rest('payload', 'Payload');
  return packet;
}

const EMPTY = new Uint8Array(0);

function checkTopicName(topic: string, textOffset: number, field: string, version: ProtocolVersion): void {
  if (topic.length === 0) {
    throw new MalformedPacketError(textOffset - 2, field, 'MQTT-4.7.3-1', 'The topic name is empty: topic names must be at least one character long');
  }
  const at = findWildcard(topic);
  if (at !== -1) {
    throw new MalformedPacketError(textOffset + utf8ByteOffset(topic, at), field, field === 'topic' ? 'MQTT-3.3.2-2' : wildcardInNameRule(version),
      `The topic name contains the wildcard '${topic[at]}' at character ${at + 1}; wildcards may appear only in topic filters`);
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
  const packetId = reader.uint16('packetId', 'Packet identifier');
  if (packetId === 0) {
    throw new MalformedPacketError(offset, 'packetId', rule, 'The packet identifier is 0; packet identifiers must be non-zero');
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
      packet.reasonCode = reader.byte('reasonCode', `${type} reason code`);
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
      'SUBSCRIBE has no topic filters: its payload must contain at least one filter and its options');
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const path = `subscriptions[${i}]`;
    const filterOffset = reader.pos + 2;
    const topicFilter = reader.utf8(`${path}.topicFilter`, 'Topic filter');
    checkTopicFilter(topicFilter, filterOffset - 2, `${path}.topicFilter`, version);
    const optionsOffset = reader.pos;
    const options = reader.flagByte(`${path}.options`, version === 5 ? 'Subscription options' : 'Requested QoS');
    const qos = options & 3;
    const subscription: Subscription = { topicFilter, qos: qos as QoS };
    if (version === 5) {
      subscription.noLocal = (options & 0x04) !== 0;
      subscription.retainAsPublished = (options & 0x08) !== 0;
      subscription.retainHandling = ((options >> 4) & 3) as 0 | 1 | 2;
    }
    if (reader.spans !== null) {
      reader.span(optionsOffset, 1, `${path}.options`, version === 5 ? 'Subscription options' : 'Requested QoS', options, version === 5
        ? [
          { path: `${path}.options.reserved`, label: 'Reserved', mask: 0xc0, shift: 6, value: options >> 6, meaning: 'reserved, must be 0' },
          { path: `${path}.retainHandling`, label: 'Retain Handling', mask: 0x30, shift: 4, value: (options >> 4) & 3, meaning: RETAIN_HANDLING[(options >> 4) & 3] },
          { path: `${path}.retainAsPublished`, label: 'Retain As Published', mask: 0x08, shift: 3, value: (options >> 3) & 1 },
          { path: `${path}.noLocal`, label: 'No Local', mask: 0x04, shift: 2, value: (options >> 2) & 1 },
          { path: `${path}.qos`, label: 'Maximum QoS', mask: 0x03, shift: 0, value: qos, meaning: `QoS ${qos} — ${QOS_MEANINGS[qos]}` },
        ]
        : [
          { path: `${path}.options.reserved`, label: 'Reserved', mask: 0xfc, shift: 2, value: options >> 2, meaning: 'reserved, must be 0' },
          { path: `${path}.qos`, label: 'Requested QoS', mask: 0x03, shift: 0, value: qos, meaning: `QoS ${qos} — ${QOS_MEANINGS[qos]}` },
        ]);
    }
    if (version !== 5) {
      if ((options & 0xfc) !== 0 || qos === 3) {
        throw new MalformedPacketError(optionsOffset, qos === 3 ? `${path}.qos` : `${path}.options.reserved`, 'MQTT-3-8.3-4',
          qos === 3 ? 'The requested QoS is 3; it must be 0, 1 or 2' : `Bits 7–2 of the requested QoS byte are reserved and must be 0, but the byte is 0x${options.toString(16).padStart(2, '0')}`);
      }
    } else {
      if ((options & 0xc0) !== 0) {
        throw new MalformedPacketError(optionsOffset, `${path}.options.reserved`, 'MQTT-3.8.3-5',
          `Bits 7–6 of the subscription options are reserved and must be 0, but the byte is 0x${options.toString(16).padStart(2, '0')}`);
      }
      if (qos === 3) {
        throw new MalformedPacketError(optionsOffset, `${path}.qos`, 'MQTT-5.0 §3.8.3.1', 'The Maximum QoS subscription option is 3; it must be 0, 1 or 2');
      }
      if (((options >> 4) & 3) === 3) {
        throw new MalformedPacketError(optionsOffset, `${path}.retainHandling`, 'MQTT-5.0 §3.8.3.1', 'Retain Handling is 3; it must be 0, 1 or 2');
      }
      if (subscription.noLocal && topicFilter.startsWith('$share/')) {
        throw new MalformedPacketError(optionsOffset, `${path}.noLocal`, 'MQTT-3.8.3-4', 'No Local is set on a shared subscription, which is a Protocol Error');
      }
    }
    packet.subscriptions.push(subscription);
  }
  return packet;
}

const RETAIN_HANDLING = [
  'send retained messages at subscribe',
  'send retained messages only for a new subscription',
  'do not send retained messages',
  'invalid',
];

function checkTopicFilter(filter: string, lengthOffset: number, field: string, version: ProtocolVersion): void {
  const problem = findTopicFilterProblem(filter, version);
  if (problem !== null) {
    const at = problem.index < 0 ? lengthOffset : lengthOffset + 2 + utf8ByteOffset(filter, problem.index);
    throw new MalformedPacketError(at, field, problem.rule, problem.message);
  }
}

function parseSuback(reader: BinaryReader): SubackPacket {
  const version = reader.version;
  const packet: SubackPacket = { type: 'SUBACK', packetId: readPacketId(reader, version === 5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7'), reasonCodes: [] };
  if (version === 5) packet.properties = parseProperties(reader, 'SUBACK', 'properties');
  if (reader.remaining === 0) {
    throw new MalformedPacketError(reader.pos, 'reasonCodes', version === 5 ? 'MQTT-3.8.4-6' : 'MQTT-3.8.4-5',
      'SUBACK has no return codes: it must carry one for each topic filter of the SUBSCRIBE, and a SUBSCRIBE has at least one');
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const offset = reader.pos;
    const code = reader.byte(`reasonCodes[${i}]`, version === 5 ? 'Subscribe reason code' : 'Subscribe return code');
    if (version === 5) checkReasonCode(code, 'SUBACK', offset, `reasonCodes[${i}]`);
    else if (code > 2 && code !== 0x80) {
      throw new MalformedPacketError(offset, `reasonCodes[${i}]`, 'MQTT-3.9.3-2',
        `SUBACK return code 0x${code.toString(16).padStart(2, '0')} is reserved: only 0x00, 0x01, 0x02 and 0x80 are allowed`);
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
    throw new MalformedPacketError(reader.pos, 'topicFilters', 'MQTT-3.10.3-2', 'UNSUBSCRIBE has no topic filters: its payload must contain at least one');
  }
  for (let i = 0; reader.remaining > 0; i++) {
    const lengthOffset = reader.pos;
    const filter = reader.utf8(`topicFilters[${i}]`, 'Topic filter');
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
      throw new MalformedPacketError(reader.pos, 'reasonCodes', 'MQTT-3.11.3-2', 'A 5.0 UNSUBACK must carry one reason code for each topic filter of the UNSUBSCRIBE');
    }
    for (let i = 0; reader.remaining > 0; i++) {
      const offset = reader.pos;
      const code = reader.byte(`reasonCodes[${i}]`, 'Unsubscribe reason code');
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
      packet.reasonCode = reader.byte('reasonCode', 'Disconnect reason code');
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
    packet.reasonCode = reader.byte('reasonCode', 'Authenticate reason code');
    checkReasonCode(packet.reasonCode, 'AUTH', offset, 'reasonCode');
    packet.properties = parseProperties(reader, 'AUTH', 'properties');
  }
  return packet;
}

function checkReasonCode(code: number, type: PacketType, offset: number, field: string): void {
  if (reasonCodeFor(type, code) === undefined) {
    throw new MalformedPacketError(offset, field, REASON_CODE_RULES[type] ?? 'MQTT-5.0 §2.4',
      `0x${code.toString(16).padStart(2, '0')} is not a reason code a ${type} may carry`);
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
      'The property length is missing: a packet with no properties must still carry a Property Length of 0');
  }
  const length = reader.varInt(`${prefix}.length`, 'Property length');
  const end = reader.pos + length;
  if (end > reader.end) {
    throw new MalformedPacketError(lengthOffset, `${prefix}.length`, 'MQTT-5.0 §2.2.2.1',
      `The property length is ${length} but only ${reader.end - reader.pos} bytes of the packet remain`);
  }
  const properties: Properties = {};
  if (length === 0) return properties;
  const packetEnd = reader.end;
  reader.end = end;
  const where = context === 'WILL' ? 'the Will properties' : `a ${context}`;
  for (let index = 0; reader.pos < end; index++) {
    const path = `${prefix}[${index}]`;
    const idOffset = reader.pos;
    const id = reader.varInt(`${path}.id`, 'Property identifier');
    const definition = PROPERTY_BY_ID[id];
    if (definition === undefined) {
      throw new MalformedPacketError(idOffset, `${path}.id`, 'MQTT-5.0 §2.2.2.2', `0x${id.toString(16).padStart(2, '0')} is not a property identifier MQTT 5.0 defines`);
    }
    if (reader.spans !== null) {
      const last = reader.spans[reader.spans.length - 1]!;
      last.label = `Property identifier: ${definition.label}`;
    }
    if (!definition.contexts.includes(context)) {
      throw new MalformedPacketError(idOffset, `${path}.id`, 'MQTT-5.0 §2.2.2.2', `${definition.label} (0x${id.toString(16).padStart(2, '0')}) is not allowed in ${where}`);
    }
    const key = definition.key;
    const repeatable = definition.repeatable && !(key === 'subscriptionIdentifiers' && context === 'SUBSCRIBE');
    if (!repeatable && properties[key] !== undefined) {
      // Each property's definition says "It is a Protocol Error to include … more than once": the
      // rule cites the packet's property section, so a receiver can tell it from an identifier not
      // valid here (§2.2.2.2, a Malformed Packet).
      throw new MalformedPacketError(idOffset, `${path}.id`, key === 'subscriptionIdentifiers' ? 'MQTT-5.0 §3.8.2.1.2' : DUPLICATE_PROPERTY_RULES[context], `${definition.label} appears more than once in ${where}; it may appear only once`);
    }
    const valueOffset = reader.pos;
    const valuePath = `${path}.value`;
    switch (definition.wireType) {
      case 'byte':
      case 'twoByteInteger':
      case 'fourByteInteger':
      case 'variableByteInteger': {
        const value = definition.wireType === 'byte' ? reader.byte(valuePath, definition.label)
          : definition.wireType === 'twoByteInteger' ? reader.uint16(valuePath, definition.label)
            : definition.wireType === 'fourByteInteger' ? reader.uint32(valuePath, definition.label)
              : reader.varInt(valuePath, definition.label);
        const allowed = definition.allowed;
        if (allowed !== undefined && (value < allowed.min || value > allowed.max)) {
          throw new MalformedPacketError(valueOffset, valuePath, allowed.rule ?? 'MQTT-5.0 §2.2.2.2', `${definition.label} is ${value}; it ${allowed.why}`);
        }
        if (key === 'subscriptionIdentifiers') (properties.subscriptionIdentifiers ??= []).push(value);
        else (properties as Record<string, unknown>)[key] = value;
        break;
      }
      case 'utf8String':
        (properties as Record<string, unknown>)[key] = reader.utf8(valuePath, definition.label);
        break;
      case 'binaryData':
        (properties as Record<string, unknown>)[key] = reader.binary(valuePath, definition.label);
        break;
      case 'utf8StringPair': {
        const name = reader.utf8(`${path}.name`, 'User property name');
        const value = reader.utf8(valuePath, 'User property value');
        (properties.userProperties ??= []).push([name, value]);
        break;
      }
    }
  }
  reader.end = packetEnd;
  return properties;
}

export { bytesToHex, reasonCodeName };
