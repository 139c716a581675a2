/**
 * The packet reference, computed from the codec at build time: for each control packet type, its
 * fixed-header bits, the fields of its variable header and payload (taken from the annotation
 * spans of real encoded examples, so the table is what the decoder shows), the 5.0 properties and
 * reason codes it may carry (from the codec's property and reason-code tables) and annotated
 * examples. Nothing here is typed by hand twice: if the codec changes, the reference follows.
 * Pure data; the page (packet-reference.astro) renders it in a language.
 */
import {
  CONNECT_RETURN_CODES_V4,
  decodePacket,
  encodePacket,
  PACKET_TYPE_CODES,
  PROPERTIES,
  REASON_CODE_RULES,
  REASON_CODES,
  RESERVED_FLAGS,
  reservedFlagsRule,
  type CodecMessage,
  type FieldSpan,
  type Packet,
  type PacketType,
  type ProtocolVersion,
  type WireType,
} from '../../mqtt/codec/index.ts';
import { packetPart, type PacketPart } from '../../mqtt/codec/packet-parts.ts';

export const PACKET_ORDER: ReadonlyArray<PacketType> = [
  'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];

/** Who may send the packet (3.1.1 §2.2.1 Table 2.1, 5.0 §2.1.2 Table 2-1). */
export type Direction = 'clientToServer' | 'serverToClient' | 'both';

export const DIRECTIONS: Readonly<Record<PacketType, Direction>> = {
  CONNECT: 'clientToServer', CONNACK: 'serverToClient', PUBLISH: 'both', PUBACK: 'both', PUBREC: 'both',
  PUBREL: 'both', PUBCOMP: 'both', SUBSCRIBE: 'clientToServer', SUBACK: 'serverToClient',
  UNSUBSCRIBE: 'clientToServer', UNSUBACK: 'serverToClient', PINGREQ: 'clientToServer',
  PINGRESP: 'serverToClient', DISCONNECT: 'clientToServer', AUTH: 'both',
};

/** The page slug of a packet type: `/reference/publish/`. */
/** A byte as the reference prints codes and identifiers: 0x87. */
export const hex2 = (n: number): string => '0x' + n.toString(16).toUpperCase().padStart(2, '0');

export function referenceSlug(type: PacketType): string {
  return type.toLowerCase();
}

export interface ReferenceExample {
  /** Catalogue key of the example's title, under `reference.example.`. */
  id: string;
  version: ProtocolVersion;
  bytes: Uint8Array;
  hex: string;
  fields: ReadonlyArray<ReferenceField>;
}

export interface ReferenceField {
  offset: number;
  length: number;
  path: string;
  label: CodecMessage;
  part: PacketPart;
  hex: string;
  value: string | number | boolean | null;
  bits: ReadonlyArray<{ label: CodecMessage; mask: number; shift: number; value: number; meaning?: CodecMessage }>;
}

export interface ReferenceFlagBit {
  bit: number;
  /** Catalogue key under `reference.flag.` (dup, qos1, qos0, retain) or null for a reserved bit. */
  name: string | null;
  /** The fixed value a reserved bit must have. */
  fixed: number | null;
}

export interface ReferenceProperty {
  id: number;
  label: string;
  wireType: WireType;
  repeatable: boolean;
  /** Also allowed in the CONNECT's Will Properties. */
  inWill: boolean;
}

export interface ReferenceReasonCode {
  code: number;
  name: string;
}

export interface PacketReference {
  type: PacketType;
  typeCode: number;
  direction: Direction;
  /** Versions the packet exists in (AUTH is 5.0 only). */
  versions: ReadonlyArray<ProtocolVersion>;
  flags: ReadonlyArray<ReferenceFlagBit>;
  /** The reserved-flags rule per version, null for PUBLISH (its flags mean something). */
  flagsRule: Readonly<Partial<Record<ProtocolVersion, string>>>;
  /** The field layout per version, from the fullest example: one row per distinct field. */
  layout: Readonly<Partial<Record<ProtocolVersion, ReadonlyArray<LayoutRow>>>>;
  properties: ReadonlyArray<ReferenceProperty>;
  reasonCodes: ReadonlyArray<ReferenceReasonCode>;
  reasonCodesRule: string | null;
  /** 3.1.1 return codes (CONNACK, SUBACK); empty for other types. */
  returnCodesV4: ReadonlyArray<ReferenceReasonCode>;
  examples: ReadonlyArray<ReferenceExample>;
}

export interface LayoutRow {
  /** The path with array indexes generalised: `properties[n].id`. */
  path: string;
  label: CodecMessage;
  part: PacketPart;
  /** Byte length; `null` when it varies with the content, 'vbi' for a variable byte integer (1–4). */
  length: number | null | 'vbi';
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Two or three real packets per type, 3.1.1 first, the kind a capture shows. */
const EXAMPLES: Readonly<Record<PacketType, ReadonlyArray<{ id: string; version: ProtocolVersion; packet: Packet }>>> = {
  CONNECT: [
    { id: 'connectMinimal', version: 4, packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'mosq-pub-17' } },
    { id: 'connectWillAuth', version: 4, packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 30, clientId: 'meter-4', username: 'meter', password: text('s3cret'), will: { topic: 'meters/4/status', payload: text('offline'), qos: 1, retain: true } } },
    { id: 'connectV5', version: 5, packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'sensor-17', properties: { sessionExpiryInterval: 3600, receiveMaximum: 20 }, will: { topic: 'status/sensor-17', payload: text('offline'), qos: 1, retain: true, properties: { willDelayInterval: 10 } } } },
  ],
  CONNACK: [
    { id: 'connackAccepted', version: 4, packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 0 } },
    { id: 'connackNotAuthorized', version: 4, packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 5 } },
    { id: 'connackV5', version: 5, packet: { type: 'CONNACK', sessionPresent: true, reasonCode: 0, properties: { receiveMaximum: 100, topicAliasMaximum: 10, assignedClientIdentifier: 'auto-7f3a' } } },
  ],
  PUBLISH: [
    { id: 'publishQos0', version: 4, packet: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'home/kitchen/temp', payload: text('21.5') } },
    { id: 'publishQos1Retained', version: 4, packet: { type: 'PUBLISH', dup: false, qos: 1, retain: true, topic: 'home/door', packetId: 10, payload: text('open') } },
    { id: 'publishV5', version: 5, packet: { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'orders/new', packetId: 42, payload: text('{"id":7}'), properties: { payloadFormatIndicator: 1, messageExpiryInterval: 120, contentType: 'application/json', userProperties: [['region', 'eu']] } } },
  ],
  PUBACK: [
    { id: 'pubackV4', version: 4, packet: { type: 'PUBACK', packetId: 10 } },
    { id: 'pubackNoSubscribers', version: 5, packet: { type: 'PUBACK', packetId: 10, reasonCode: 0x10 } },
  ],
  PUBREC: [
    { id: 'pubrecV4', version: 4, packet: { type: 'PUBREC', packetId: 7 } },
    { id: 'pubrecNotAuthorized', version: 5, packet: { type: 'PUBREC', packetId: 7, reasonCode: 0x87, properties: { reasonString: 'no write access' } } },
  ],
  PUBREL: [
    { id: 'pubrelV4', version: 4, packet: { type: 'PUBREL', packetId: 7 } },
    { id: 'pubrelNotFound', version: 5, packet: { type: 'PUBREL', packetId: 7, reasonCode: 0x92 } },
  ],
  PUBCOMP: [
    { id: 'pubcompV4', version: 4, packet: { type: 'PUBCOMP', packetId: 7 } },
    { id: 'pubcompV5Short', version: 5, packet: { type: 'PUBCOMP', packetId: 7 } },
  ],
  SUBSCRIBE: [
    { id: 'subscribeTwo', version: 4, packet: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: 'home/+/temp', qos: 1 }, { topicFilter: 'alerts/#', qos: 2 }] } },
    { id: 'subscribeV5Options', version: 5, packet: { type: 'SUBSCRIBE', packetId: 2, properties: { subscriptionIdentifiers: [3] }, subscriptions: [{ topicFilter: 'chat/room1', qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 1 }] } },
  ],
  SUBACK: [
    { id: 'subackMixed', version: 4, packet: { type: 'SUBACK', packetId: 1, reasonCodes: [1, 0x80] } },
    { id: 'subackV5', version: 5, packet: { type: 'SUBACK', packetId: 2, reasonCodes: [1, 0x8f] } },
  ],
  UNSUBSCRIBE: [
    { id: 'unsubscribeOne', version: 4, packet: { type: 'UNSUBSCRIBE', packetId: 3, topicFilters: ['home/+/temp'] } },
    { id: 'unsubscribeV5', version: 5, packet: { type: 'UNSUBSCRIBE', packetId: 4, topicFilters: ['chat/room1', 'chat/room2'] } },
  ],
  UNSUBACK: [
    { id: 'unsubackV4', version: 4, packet: { type: 'UNSUBACK', packetId: 3 } },
    { id: 'unsubackV5', version: 5, packet: { type: 'UNSUBACK', packetId: 4, reasonCodes: [0x00, 0x11] } },
  ],
  PINGREQ: [{ id: 'pingreq', version: 4, packet: { type: 'PINGREQ' } }],
  PINGRESP: [{ id: 'pingresp', version: 4, packet: { type: 'PINGRESP' } }],
  DISCONNECT: [
    { id: 'disconnectV4', version: 4, packet: { type: 'DISCONNECT' } },
    { id: 'disconnectWithWill', version: 5, packet: { type: 'DISCONNECT', reasonCode: 0x04 } },
    { id: 'disconnectTakenOver', version: 5, packet: { type: 'DISCONNECT', reasonCode: 0x8e, properties: { reasonString: 'another connection took client id meter-4' } } },
  ],
  AUTH: [
    { id: 'authContinue', version: 5, packet: { type: 'AUTH', reasonCode: 0x18, properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: text('n,,n=meter,r=fyko+d2lbbFgONRv9qkxdawL') } } },
    { id: 'authReauthenticate', version: 5, packet: { type: 'AUTH', reasonCode: 0x19, properties: { authenticationMethod: 'SCRAM-SHA-256' } } },
  ],
};

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function fieldsOf(bytes: Uint8Array, version: ProtocolVersion, type: PacketType): ReferenceField[] {
  const decoded = decodePacket(bytes, { protocolVersion: version, annotate: true });
  return (decoded.fields ?? []).map((span: FieldSpan) => ({
    offset: span.offset,
    length: span.length,
    path: span.path,
    label: span.label,
    part: packetPart(span.path, type),
    hex: toHex(bytes.subarray(span.offset, span.offset + span.length)),
    value: span.value,
    bits: (span.bits ?? []).map((b) => ({ label: b.label, mask: b.mask, shift: b.shift, value: b.value, meaning: b.meaning })),
  }));
}

/** `properties[2].value` → `properties[n].value`: one layout row per kind of field. */
function generalise(path: string): string {
  return path.replace(/\[\d+\]/g, '[n]');
}

/** Fields whose length depends on content rather than on the field itself. */
function variableLength(path: string): boolean {
  return !/(\.length|\.id|^protocolName$|^packetId|^protocolLevel|^connectFlags|^keepAlive|^connackFlags|^reasonCode|^fixedHeader$|\.options|\.qos|^reasonCodes)/.test(path);
}

function layoutFrom(examples: ReadonlyArray<ReferenceExample>): LayoutRow[] {
  const rows = new Map<string, LayoutRow>();
  for (const example of examples) {
    for (const field of example.fields) {
      const path = generalise(field.path);
      if (rows.has(path)) continue;
      const label = field.label;
      // Remaining Length and Property Length are variable byte integers (1–4 bytes); a property
      // identifier is one too, but every identifier defined so far fits in one byte (5.0 §2.2.2.2).
      const length = path === 'fixedHeader.remainingLength' || path.endsWith('properties.length') ? 'vbi'
        : path.endsWith('properties[n].id') ? 1
        : variableLength(field.path) ? null : field.length;
      rows.set(path, { path, label, part: field.part, length });
    }
  }
  return [...rows.values()];
}

function flagBits(type: PacketType): ReferenceFlagBit[] {
  if (type === 'PUBLISH') {
    return [
      { bit: 3, name: 'dup', fixed: null },
      { bit: 2, name: 'qos1', fixed: null },
      { bit: 1, name: 'qos0', fixed: null },
      { bit: 0, name: 'retain', fixed: null },
    ];
  }
  const reserved = RESERVED_FLAGS[type];
  return [3, 2, 1, 0].map((bit) => ({ bit, name: null, fixed: (reserved >> bit) & 1 }));
}

export function packetReference(type: PacketType): PacketReference {
  const versions: ProtocolVersion[] = type === 'AUTH' ? [5] : [4, 5];
  const examples: ReferenceExample[] = EXAMPLES[type].map(({ id, version, packet }) => {
    const bytes = encodePacket(packet, { protocolVersion: version });
    return { id, version, bytes, hex: toHex(bytes), fields: fieldsOf(bytes, version, type) };
  });
  // Packets with no 5.0 example of their own (PINGREQ, PINGRESP) are byte-identical in 5.0.
  const layout: Partial<Record<ProtocolVersion, LayoutRow[]>> = {};
  for (const version of versions) {
    const own = examples.filter((e) => e.version === version);
    const source = own.length > 0 ? own : examples;
    layout[version] = layoutFrom(source);
  }
  const flagsRule: Partial<Record<ProtocolVersion, string>> = {};
  if (type !== 'PUBLISH') for (const version of versions) flagsRule[version] = reservedFlagsRule(type, version);
  const properties = PROPERTIES.filter((p) => p.contexts.includes(type) || (type === 'CONNECT' && p.contexts.includes('WILL')))
    .map((p) => ({ id: p.id, label: p.label, wireType: p.wireType, repeatable: p.repeatable, inWill: type === 'CONNECT' && p.contexts.includes('WILL') && !p.contexts.includes('CONNECT') }));
  const reasonCodes = REASON_CODES.filter((r) => r.packets.includes(type)).map((r) => ({ code: r.code, name: r.name }));
  const returnCodesV4: ReferenceReasonCode[] =
    type === 'CONNACK' ? CONNECT_RETURN_CODES_V4.map((name, code) => ({ code, name }))
    : type === 'SUBACK' ? [{ code: 0, name: 'Success - Maximum QoS 0' }, { code: 1, name: 'Success - Maximum QoS 1' }, { code: 2, name: 'Success - Maximum QoS 2' }, { code: 0x80, name: 'Failure' }]
    : [];
  return {
    type,
    typeCode: PACKET_TYPE_CODES[type],
    direction: DIRECTIONS[type],
    versions,
    flags: flagBits(type),
    flagsRule,
    layout,
    properties,
    reasonCodes,
    reasonCodesRule: REASON_CODE_RULES[type] ?? null,
    returnCodesV4,
    examples,
  };
}

export function allPacketReferences(): PacketReference[] {
  return PACKET_ORDER.map(packetReference);
}
