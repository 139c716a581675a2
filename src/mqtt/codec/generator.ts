/**
 * Packets → bytes. Every rule the parser enforces is refused here too, with the same rule id, so
 * nothing this module writes is called malformed by `decodePacket`.
 */
import { BinaryWriter, utf8Length } from './binary-writer.ts';
import {
  PACKET_TYPE_CODES, PROPERTY_BY_KEY, PROTOCOL_NAMES, REASON_CODE_RULES, RESERVED_FLAGS,
  reasonCodeFor, type PropertyContext,
} from './constants.ts';
import { InvalidPacketError } from './errors.ts';
import { findTopicFilterProblem, findWildcard, wildcardInNameRule } from './topic-rules.ts';
import { MAX_VARIABLE_BYTE_INTEGER, variableByteIntegerSize } from './variable-byte-integer.ts';
import type {
  AuthPacket, CodecMessage, ConnackPacket, ConnectPacket, DisconnectPacket, EncodeOptions, Packet, PacketType,
  Properties, ProtocolVersion, PubAckLikePacket, PublishPacket, SubackPacket, SubscribePacket,
  UnsubackPacket, UnsubscribePacket,
} from './types.ts';

type BodyWriter<P extends Packet> = (w: BinaryWriter, packet: P) => void;

export function encodePacket(packet: Packet, options: EncodeOptions = {}): Uint8Array {
  const version: ProtocolVersion = packet.type === 'CONNECT' ? packet.protocolLevel : (options.protocolVersion ?? 4);
  const writeBody = BODY_WRITERS[packet.type as Exclude<PacketType, 'PUBLISH'>] as BodyWriter<Packet> | undefined;
  if (writeBody === undefined && packet.type !== 'PUBLISH') throw new InvalidPacketError('type', 'MQTT-5.0 §2.1.2', { key: 'codec.w.notAType', values: { type: String((packet as { type: unknown }).type) } });
  if (packet.type === 'AUTH' && version !== 5) {
    throw new InvalidPacketError('type', 'MQTT-3.1.1 §2.2.1', { key: 'codec.w.authNot5' });
  }
  const allocate = options.allocate ?? allocateZeroed;
  if (packet.type === 'PUBLISH') return encodePublish(packet, version, allocate);
  const flags = RESERVED_FLAGS[packet.type];

  const measure = new BinaryWriter(null, 0, version);
  writeBody!(measure, packet);
  const remainingLength = measure.pos;
  if (remainingLength > MAX_VARIABLE_BYTE_INTEGER) {
    throw new InvalidPacketError('fixedHeader.remainingLength', version === 5 ? 'MQTT-5.0 §2.1.4' : 'MQTT-3.1.1 §2.2.3',
      { key: 'codec.w.bodyTooLong', values: { bytes: remainingLength, max: MAX_VARIABLE_BYTE_INTEGER } });
  }
  const headerLength = 1 + variableByteIntegerSize(remainingLength);
  const out = allocate(headerLength + remainingLength);
  const w = new BinaryWriter(out, 0, version);
  w.byte((PACKET_TYPE_CODES[packet.type] << 4) | flags);
  w.varInt(remainingLength);
  writeBody!(w, packet);
  return out;
}

/**
 * The default allocator. Small packets (the vast majority: acks, pings, short publishes) are
 * carved out of a shared 8 KiB slab, as Node's Buffer pool does, because creating a fresh
 * ArrayBuffer costs more than encoding a 100-byte packet. The price is that a retained small
 * packet keeps its slab alive; large packets get memory of their own.
 */
const SLAB_SIZE = 8192;
const POOLED_MAX = 512;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

function allocateZeroed(size: number): Uint8Array {
  if (size > POOLED_MAX) return new Uint8Array(size);
  if (slabUsed + size > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + size);
  // Keep each packet 8-byte aligned so neighbours never share a cache line's first word.
  slabUsed = (slabUsed + size + 7) & ~7;
  return out;
}

/**
 * PUBLISH is the hot path of every broker and client, so it is sized in one pass of arithmetic
 * (validating the topic as it measures it) instead of a full measuring run of the body.
 */
function encodePublish(p: PublishPacket, version: ProtocolVersion, allocate: (size: number) => Uint8Array): Uint8Array {
  const flags = publishFlags(p, version);
  if (!(version === 5 && p.topic === '' && p.properties?.topicAlias !== undefined)) {
    // Same rule as the parser: in 5.0 an empty topic is legal only with a Topic Alias.
    if (version === 5 && p.topic === '') invalid('topic', 'MQTT-5.0 §3.3.2.1', { key: 'codec.e.emptyTopicNoAlias' });
    checkTopicName(p.topic, 'topic', 'MQTT-3.3.2-2');
  }
  const topicLength = utf8Length(p.topic, 'topic', version);
  let propertiesLength = 0;
  if (version === 5 && p.properties !== undefined) {
    const measure = new BinaryWriter(null, 0, version);
    writePropertyValues(measure, p.properties, 'PUBLISH', 'properties');
    propertiesLength = measure.pos;
  }
  const payload = p.payload ?? EMPTY;
  const remainingLength = 2 + topicLength + (p.qos > 0 ? 2 : 0)
    + (version === 5 ? variableByteIntegerSize(propertiesLength) + propertiesLength : 0) + payload.length;
  if (remainingLength > MAX_VARIABLE_BYTE_INTEGER) {
    invalid('fixedHeader.remainingLength', version === 5 ? 'MQTT-5.0 §2.1.4' : 'MQTT-3.1.1 §2.2.3',
      { key: 'codec.w.bodyTooLong', values: { bytes: remainingLength, max: MAX_VARIABLE_BYTE_INTEGER } });
  }
  const out = allocate(1 + variableByteIntegerSize(remainingLength) + remainingLength);
  const w = new BinaryWriter(out, 0, version);
  w.byte(0x30 | flags);
  w.varInt(remainingLength);
  w.utf8(p.topic, 'topic');
  if (p.qos > 0) writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  if (version === 5) {
    w.varInt(propertiesLength);
    if (p.properties !== undefined) writePropertyValues(w, p.properties, 'PUBLISH', 'properties');
  }
  w.raw(payload);
  return out;
}

const EMPTY = new Uint8Array(0);

/** PUBLISH is not here: `encodePublish` handles it. */
const BODY_WRITERS: { [T in Exclude<PacketType, 'PUBLISH'>]: BodyWriter<Extract<Packet, { type: T }>> } = {
  CONNECT: writeConnect,
  CONNACK: writeConnack,
  PUBACK: writePubAckLike,
  PUBREC: writePubAckLike,
  PUBREL: writePubAckLike,
  PUBCOMP: writePubAckLike,
  SUBSCRIBE: writeSubscribe,
  SUBACK: writeSuback,
  UNSUBSCRIBE: writeUnsubscribe,
  UNSUBACK: writeUnsuback,
  PINGREQ: () => {},
  PINGRESP: () => {},
  DISCONNECT: writeDisconnect,
  AUTH: writeAuth,
};

function invalid(field: string, rule: string, explanation: CodecMessage): never {
  throw new InvalidPacketError(field, rule, explanation);
}

function checkInteger(value: unknown, max: number, field: string, rule: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(field, rule, { key: 'codec.w.integer', values: { field, min, max, value: String(value) } });
  }
  return value;
}

function publishFlags(packet: PublishPacket, version: ProtocolVersion): number {
  const qos = packet.qos;
  if (qos !== 0 && qos !== 1 && qos !== 2) invalid('fixedHeader.flags.qos', 'MQTT-3.3.1-4', { key: 'codec.w.qos', values: { value: String(qos) } });
  if (packet.dup && qos === 0 && version !== 3) invalid('fixedHeader.flags.dup', 'MQTT-3.3.1-2', { key: 'codec.w.dupQos0' });
  return (packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0);
}

function writePacketId(w: BinaryWriter, packetId: number | undefined, rule: string): void {
  w.uint16(checkInteger(packetId, 0xffff, 'packetId', rule, 1));
}

function checkTopicName(topic: string, field: string, rule: string): void {
  if (typeof topic !== 'string') invalid(field, 'MQTT-3.3.2-1', { key: 'codec.w.string', values: { field } });
  if (topic.length === 0) invalid(field, 'MQTT-4.7.3-1', { key: 'codec.e.emptyTopic' });
  const at = findWildcard(topic);
  if (at !== -1) invalid(field, rule, { key: 'codec.e.wildcardInName', values: { char: topic[at]!, at: at + 1 } });
}

function checkTopicFilter(filter: string, field: string, version: ProtocolVersion): void {
  if (typeof filter !== 'string') invalid(field, 'MQTT-3.8.3-1', { key: 'codec.w.string', values: { field } });
  const problem = findTopicFilterProblem(filter, version);
  if (problem !== null) invalid(field, problem.rule, problem.explanation);
}

function checkReasonCode(code: number, type: PacketType, field: string): void {
  checkInteger(code, 0xff, field, REASON_CODE_RULES[type] ?? 'MQTT-5.0 §2.4');
  if (reasonCodeFor(type, code) === undefined) {
    invalid(field, REASON_CODE_RULES[type] ?? 'MQTT-5.0 §2.4', { key: 'codec.e.reasonCode', values: { hex: `0x${code.toString(16).padStart(2, '0')}`, type } });
  }
}

function writeConnect(w: BinaryWriter, p: ConnectPacket): void {
  const version = p.protocolLevel;
  if (version !== 3 && version !== 4 && version !== 5) invalid('protocolLevel', 'MQTT-3.1.2-2', { key: 'codec.w.level', values: { value: String(version) } });
  const name = p.protocolName ?? PROTOCOL_NAMES[version];
  if (name !== PROTOCOL_NAMES[version]) {
    invalid('protocolName', 'MQTT-3.1.2-1', { key: 'codec.w.nameLevel', values: { level: version, expected: PROTOCOL_NAMES[version]!, name: JSON.stringify(name) } });
  }
  const will = p.will;
  if (will !== undefined) {
    if (will.qos !== 0 && will.qos !== 1 && will.qos !== 2) invalid('will.qos', version === 5 ? 'MQTT-3.1.2-12' : 'MQTT-3.1.2-14', { key: 'codec.w.qos', values: { value: String(will.qos) } });
  }
  const hasUsername = p.username !== undefined;
  const hasPassword = p.password !== undefined;
  if (version === 4 && hasPassword && !hasUsername) invalid('password', 'MQTT-3.1.2-22', { key: 'codec.e.passwordNoUser' });
  w.utf8(name, 'protocolName');
  w.byte(version);
  w.byte((hasUsername ? 0x80 : 0) | (hasPassword ? 0x40 : 0) | (will?.retain ? 0x20 : 0) | ((will?.qos ?? 0) << 3) | (will ? 0x04 : 0) | (p.cleanSession ? 0x02 : 0));
  w.uint16(checkInteger(p.keepAlive, 0xffff, 'keepAlive', version === 5 ? 'MQTT-5.0 §3.1.2.10' : 'MQTT-3.1.1 §3.1.2.10'));
  if (version === 5) writeProperties(w, p.properties, 'CONNECT', 'properties');
  w.utf8(p.clientId ?? '', 'clientId');
  if (will !== undefined) {
    if (version === 5) writeProperties(w, will.properties, 'WILL', 'will.properties');
    checkTopicName(will.topic, 'will.topic', wildcardInNameRule(version));
    w.utf8(will.topic, 'will.topic');
    w.binary(will.payload ?? new Uint8Array(0), 'will.payload');
  }
  if (hasUsername) w.utf8(p.username!, 'username');
  if (hasPassword) w.binary(p.password!, 'password');
}

function writeConnack(w: BinaryWriter, p: ConnackPacket): void {
  const version = w.version;
  const code = checkInteger(p.reasonCode, 0xff, 'reasonCode', version === 5 ? 'MQTT-3.2.2-8' : 'MQTT-3.1.1 §3.2.2.3');
  if (version === 5) checkReasonCode(code, 'CONNACK', 'reasonCode');
  else if (code > 5) invalid('reasonCode', 'MQTT-3.1.1 §3.2.2.3', { key: 'codec.e.connackCode', values: { code } });
  if (p.sessionPresent && code !== 0) invalid('sessionPresent', version === 5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4', { key: 'codec.w.sessionRefused' });
  w.byte(p.sessionPresent && version !== 3 ? 1 : 0);
  w.byte(code);
  if (version === 5) writeProperties(w, p.properties, 'CONNACK', 'properties');
}

function writePubAckLike(w: BinaryWriter, p: PubAckLikePacket): void {
  const version = w.version;
  writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-5' : 'MQTT-2.3.1-6');
  if (version !== 5) return;
  // 5.0 §3.4.2.1: the reason code may be left out when it is 0x00 and there are no properties.
  // We write exactly what the model holds, so decode → encode gives back the same bytes.
  if (p.reasonCode !== undefined || p.properties !== undefined) {
    const code = p.reasonCode ?? 0;
    checkReasonCode(code, p.type, 'reasonCode');
    w.byte(code);
  }
  if (p.properties !== undefined) writeProperties(w, p.properties, p.type, 'properties');
}

function writeSubscribe(w: BinaryWriter, p: SubscribePacket): void {
  const version = w.version;
  writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  if (version === 5) writeProperties(w, p.properties, 'SUBSCRIBE', 'properties');
  if (!Array.isArray(p.subscriptions) || p.subscriptions.length === 0) {
    invalid('subscriptions', version === 5 ? 'MQTT-3.8.3-2' : 'MQTT-3.8.3-3', { key: 'codec.e.subscribeEmpty' });
  }
  p.subscriptions.forEach((s, i) => {
    const path = `subscriptions[${i}]`;
    checkTopicFilter(s.topicFilter, `${path}.topicFilter`, version);
    if (s.qos !== 0 && s.qos !== 1 && s.qos !== 2) invalid(`${path}.qos`, version === 5 ? 'MQTT-5.0 §3.8.3.1' : 'MQTT-3-8.3-4', { key: 'codec.w.qos', values: { value: String(s.qos) } });
    let options = s.qos;
    if (version === 5) {
      const handling = s.retainHandling ?? 0;
      if (handling !== 0 && handling !== 1 && handling !== 2) invalid(`${path}.retainHandling`, 'MQTT-5.0 §3.8.3.1', { key: 'codec.w.retainHandling', values: { value: String(handling) } });
      if (s.noLocal && s.topicFilter.startsWith('$share/')) invalid(`${path}.noLocal`, 'MQTT-3.8.3-4', { key: 'codec.e.noLocalShared' });
      options |= (s.noLocal ? 0x04 : 0) | (s.retainAsPublished ? 0x08 : 0) | (handling << 4);
    }
    w.utf8(s.topicFilter, `${path}.topicFilter`);
    w.byte(options);
  });
}

function writeSuback(w: BinaryWriter, p: SubackPacket): void {
  const version = w.version;
  writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7');
  if (version === 5) writeProperties(w, p.properties, 'SUBACK', 'properties');
  if (!Array.isArray(p.reasonCodes) || p.reasonCodes.length === 0) {
    invalid('reasonCodes', version === 5 ? 'MQTT-3.8.4-6' : 'MQTT-3.8.4-5', { key: 'codec.e.subackEmpty' });
  }
  p.reasonCodes.forEach((code, i) => {
    if (version === 5) checkReasonCode(code, 'SUBACK', `reasonCodes[${i}]`);
    else if (!(code === 0 || code === 1 || code === 2 || code === 0x80)) invalid(`reasonCodes[${i}]`, 'MQTT-3.9.3-2', { key: 'codec.e.subackCode', values: { hex: String(code) } });
    w.byte(code);
  });
}

function writeUnsubscribe(w: BinaryWriter, p: UnsubscribePacket): void {
  const version = w.version;
  writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  if (version === 5) writeProperties(w, p.properties, 'UNSUBSCRIBE', 'properties');
  if (!Array.isArray(p.topicFilters) || p.topicFilters.length === 0) invalid('topicFilters', 'MQTT-3.10.3-2', { key: 'codec.e.unsubscribeEmpty' });
  p.topicFilters.forEach((filter, i) => {
    checkTopicFilter(filter, `topicFilters[${i}]`, version);
    w.utf8(filter, `topicFilters[${i}]`);
  });
}

function writeUnsuback(w: BinaryWriter, p: UnsubackPacket): void {
  const version = w.version;
  writePacketId(w, p.packetId, version === 5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7');
  if (version !== 5) return;
  writeProperties(w, p.properties, 'UNSUBACK', 'properties');
  const codes = p.reasonCodes ?? [];
  if (codes.length === 0) invalid('reasonCodes', 'MQTT-3.11.3-2', { key: 'codec.e.unsubackEmpty' });
  codes.forEach((code, i) => {
    checkReasonCode(code, 'UNSUBACK', `reasonCodes[${i}]`);
    w.byte(code);
  });
}

function writeDisconnect(w: BinaryWriter, p: DisconnectPacket): void {
  if (w.version !== 5) return;
  if (p.reasonCode !== undefined || p.properties !== undefined) {
    const code = p.reasonCode ?? 0;
    checkReasonCode(code, 'DISCONNECT', 'reasonCode');
    w.byte(code);
  }
  if (p.properties !== undefined) writeProperties(w, p.properties, 'DISCONNECT', 'properties');
}

function writeAuth(w: BinaryWriter, p: AuthPacket): void {
  // 5.0 §3.15.2.1: both may be left out only together, for 0x00 Success with no properties.
  if (p.reasonCode === undefined && p.properties === undefined) return;
  const code = p.reasonCode ?? 0;
  checkReasonCode(code, 'AUTH', 'reasonCode');
  w.byte(code);
  writeProperties(w, p.properties, 'AUTH', 'properties');
}

/** Writes a property block in the object's key order (so decoded packets re-encode to the same bytes). */
function writeProperties(w: BinaryWriter, properties: Properties | undefined, context: PropertyContext, prefix: string): void {
  if (properties === undefined) {
    w.byte(0);
    return;
  }
  const measure = new BinaryWriter(null, 0, w.version);
  writePropertyValues(measure, properties, context, prefix);
  w.varInt(measure.pos);
  if (w.buf !== null) writePropertyValues(w, properties, context, prefix);
  else w.pos += measure.pos;
}

function writePropertyValues(w: BinaryWriter, properties: Properties, context: PropertyContext, prefix: string): void {
  const where = context;
  for (const key in properties) {
    const value = (properties as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const field = `${prefix}.${key}`;
    const definition = PROPERTY_BY_KEY.get(key);
    if (definition === undefined) invalid(field, 'MQTT-5.0 §2.2.2.2', { key: 'codec.w.notAProperty', values: { key } });
    if (!definition.contexts.includes(context)) invalid(field, 'MQTT-5.0 §2.2.2.2', { key: 'codec.w.propertyNotAllowed', values: { name: `codec.p.${definition.key}`, where } });
    const rule = definition.allowed?.rule ?? 'MQTT-5.0 §2.2.2.2';
    switch (definition.wireType) {
      case 'byte':
      case 'twoByteInteger':
      case 'fourByteInteger': {
        const max = definition.wireType === 'byte' ? 0xff : definition.wireType === 'twoByteInteger' ? 0xffff : 0xffff_ffff;
        const n = checkInteger(value, max, field, rule);
        const allowed = definition.allowed;
        if (allowed !== undefined && (n < allowed.min || n > allowed.max)) invalid(field, rule, { key: 'codec.e.propertyRange', values: { name: `codec.p.${definition.key}`, value: n, min: allowed.min, max: allowed.max } });
        w.byte(definition.id);
        if (definition.wireType === 'byte') w.byte(n);
        else if (definition.wireType === 'twoByteInteger') w.uint16(n);
        else w.uint32(n);
        break;
      }
      case 'variableByteInteger': {
        // Only subscriptionIdentifiers has this type; it is a list (several in a PUBLISH, one in a SUBSCRIBE).
        const list = value as number[];
        if (!Array.isArray(list)) invalid(field, rule, { key: 'codec.w.numberArray', values: { key } });
        if (context === 'SUBSCRIBE' && list.length > 1) invalid(field, 'MQTT-5.0 §3.8.2.1.2', { key: 'codec.w.oneSubscriptionId' });
        for (const n of list) {
          checkInteger(n, MAX_VARIABLE_BYTE_INTEGER, field, rule, 1);
          w.byte(definition.id);
          w.varInt(n);
        }
        break;
      }
      case 'utf8String':
        if (typeof value !== 'string') invalid(field, 'MQTT-1.5.4-1', { key: 'codec.w.string', values: { field: `codec.p.${definition.key}` } });
        w.byte(definition.id);
        w.utf8(value, field);
        break;
      case 'binaryData':
        if (!(value instanceof Uint8Array)) invalid(field, 'MQTT-5.0 §1.5.6', { key: 'codec.w.binary', values: { field: `codec.p.${definition.key}` } });
        w.byte(definition.id);
        w.binary(value, field);
        break;
      case 'utf8StringPair': {
        const pairs = value as Array<[string, string]>;
        if (!Array.isArray(pairs)) invalid(field, 'MQTT-1.5.7-1', { key: 'codec.w.userProperties' });
        pairs.forEach((pair, i) => {
          if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') invalid(`${field}[${i}]`, 'MQTT-1.5.7-1', { key: 'codec.w.userPropertyPair' });
          w.byte(definition.id);
          w.utf8(pair[0], `${field}[${i}].name`);
          w.utf8(pair[1], `${field}[${i}].value`);
        });
        break;
      }
    }
  }
}
