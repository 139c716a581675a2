import type { PacketType, Properties, ProtocolVersion } from './types.ts';

/** Control packet type numbers, the high nibble of the first byte (3.1.1 §2.2.1, 5.0 §2.1.2). */
export const PACKET_TYPE_CODES: Readonly<Record<PacketType, number>> = {
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7,
  SUBSCRIBE: 8, SUBACK: 9, UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13,
  DISCONNECT: 14, AUTH: 15,
};

/** Indexed by type number; 0 is reserved in every version and 15 (AUTH) exists only in 5.0. */
export const PACKET_TYPE_NAMES: ReadonlyArray<PacketType | null> = [
  null, 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];

/**
 * The fixed value of the four flag bits for every type but PUBLISH (3.1.1 Table 2.2 /
 * MQTT-2.2.2-1, 5.0 Table 2-2 / MQTT-2.1.3-1). PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0b0010.
 */
export const RESERVED_FLAGS: Readonly<Record<PacketType, number>> = {
  CONNECT: 0, CONNACK: 0, PUBLISH: -1, PUBACK: 0, PUBREC: 0, PUBREL: 2, PUBCOMP: 0,
  SUBSCRIBE: 2, SUBACK: 0, UNSUBSCRIBE: 2, UNSUBACK: 0, PINGREQ: 0, PINGRESP: 0,
  DISCONNECT: 0, AUTH: 0,
};

/** The rule id that names each type's reserved flag bits, where the spec gives one. */
export function reservedFlagsRule(type: PacketType, version: ProtocolVersion): string {
  if (type === 'PUBREL') return 'MQTT-3.6.1-1';
  if (type === 'SUBSCRIBE') return 'MQTT-3.8.1-1';
  if (type === 'UNSUBSCRIBE') return 'MQTT-3.10.1-1';
  if (type === 'AUTH') return 'MQTT-3.15.1-1';
  // 3.1.1 and 5.0 both number DISCONNECT's reserved-bits rule MQTT-3.14.1-1.
  if (type === 'DISCONNECT') return 'MQTT-3.14.1-1';
  return version === 5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-1';
}

export const PROTOCOL_NAMES: Readonly<Record<ProtocolVersion, string>> = { 3: 'MQIsdp', 4: 'MQTT', 5: 'MQTT' };
export const PROTOCOL_VERSION_LABELS: Readonly<Record<ProtocolVersion, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/** How a property value is written on the wire (5.0 §1.5 data representation). */
export type WireType = 'byte' | 'twoByteInteger' | 'fourByteInteger' | 'variableByteInteger' | 'utf8String' | 'binaryData' | 'utf8StringPair';

/** Where a property may appear. 'WILL' is the Will Properties block of CONNECT's payload. */
export type PropertyContext = PacketType | 'WILL';

export interface PropertyDefinition {
  id: number;
  /** The model's key, as MQTT.js names it (userProperty/subscriptionIdentifier gather into arrays). */
  key: keyof Properties;
  /** The name the 5.0 spec uses. */
  label: string;
  wireType: WireType;
  contexts: ReadonlyArray<PropertyContext>;
  /** May it appear more than once in one packet? */
  repeatable: boolean;
  /** Values the spec allows, when it restricts them ("It is a Protocol Error to …"). */
  allowed?: { min: number; max: number; why: string; rule?: string };
}

const ACKS: PropertyContext[] = ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'];
const ZERO_OR_ONE = { min: 0, max: 1, why: 'must be 0 or 1' };

/** Every MQTT 5.0 property (5.0 §2.2.2.2, Table 2-4). */
export const PROPERTIES: ReadonlyArray<PropertyDefinition> = [
  { id: 0x01, key: 'payloadFormatIndicator', label: 'Payload Format Indicator', wireType: 'byte', contexts: ['PUBLISH', 'WILL'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x02, key: 'messageExpiryInterval', label: 'Message Expiry Interval', wireType: 'fourByteInteger', contexts: ['PUBLISH', 'WILL'], repeatable: false },
  { id: 0x03, key: 'contentType', label: 'Content Type', wireType: 'utf8String', contexts: ['PUBLISH', 'WILL'], repeatable: false },
  { id: 0x08, key: 'responseTopic', label: 'Response Topic', wireType: 'utf8String', contexts: ['PUBLISH', 'WILL'], repeatable: false },
  { id: 0x09, key: 'correlationData', label: 'Correlation Data', wireType: 'binaryData', contexts: ['PUBLISH', 'WILL'], repeatable: false },
  { id: 0x0b, key: 'subscriptionIdentifiers', label: 'Subscription Identifier', wireType: 'variableByteInteger', contexts: ['PUBLISH', 'SUBSCRIBE'], repeatable: true, allowed: { min: 1, max: 268_435_455, why: 'must be 1 to 268 435 455; 0 is a Protocol Error', rule: 'MQTT-5.0 §3.3.2.3.8' } },
  { id: 0x11, key: 'sessionExpiryInterval', label: 'Session Expiry Interval', wireType: 'fourByteInteger', contexts: ['CONNECT', 'CONNACK', 'DISCONNECT'], repeatable: false },
  { id: 0x12, key: 'assignedClientIdentifier', label: 'Assigned Client Identifier', wireType: 'utf8String', contexts: ['CONNACK'], repeatable: false },
  { id: 0x13, key: 'serverKeepAlive', label: 'Server Keep Alive', wireType: 'twoByteInteger', contexts: ['CONNACK'], repeatable: false },
  { id: 0x15, key: 'authenticationMethod', label: 'Authentication Method', wireType: 'utf8String', contexts: ['CONNECT', 'CONNACK', 'AUTH'], repeatable: false },
  { id: 0x16, key: 'authenticationData', label: 'Authentication Data', wireType: 'binaryData', contexts: ['CONNECT', 'CONNACK', 'AUTH'], repeatable: false },
  { id: 0x17, key: 'requestProblemInformation', label: 'Request Problem Information', wireType: 'byte', contexts: ['CONNECT'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x18, key: 'willDelayInterval', label: 'Will Delay Interval', wireType: 'fourByteInteger', contexts: ['WILL'], repeatable: false },
  { id: 0x19, key: 'requestResponseInformation', label: 'Request Response Information', wireType: 'byte', contexts: ['CONNECT'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x1a, key: 'responseInformation', label: 'Response Information', wireType: 'utf8String', contexts: ['CONNACK'], repeatable: false },
  { id: 0x1c, key: 'serverReference', label: 'Server Reference', wireType: 'utf8String', contexts: ['CONNACK', 'DISCONNECT'], repeatable: false },
  { id: 0x1f, key: 'reasonString', label: 'Reason String', wireType: 'utf8String', contexts: ['CONNACK', ...ACKS, 'SUBACK', 'UNSUBACK', 'DISCONNECT', 'AUTH'], repeatable: false },
  { id: 0x21, key: 'receiveMaximum', label: 'Receive Maximum', wireType: 'twoByteInteger', contexts: ['CONNECT', 'CONNACK'], repeatable: false, allowed: { min: 1, max: 65_535, why: 'must not be 0' } },
  { id: 0x22, key: 'topicAliasMaximum', label: 'Topic Alias Maximum', wireType: 'twoByteInteger', contexts: ['CONNECT', 'CONNACK'], repeatable: false },
  { id: 0x23, key: 'topicAlias', label: 'Topic Alias', wireType: 'twoByteInteger', contexts: ['PUBLISH'], repeatable: false, allowed: { min: 1, max: 65_535, why: 'must not be 0', rule: 'MQTT-3.3.2-8' } },
  { id: 0x24, key: 'maximumQoS', label: 'Maximum QoS', wireType: 'byte', contexts: ['CONNACK'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x25, key: 'retainAvailable', label: 'Retain Available', wireType: 'byte', contexts: ['CONNACK'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x26, key: 'userProperties', label: 'User Property', wireType: 'utf8StringPair', contexts: ['CONNECT', 'CONNACK', 'PUBLISH', 'WILL', ...ACKS, 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT', 'AUTH'], repeatable: true },
  { id: 0x27, key: 'maximumPacketSize', label: 'Maximum Packet Size', wireType: 'fourByteInteger', contexts: ['CONNECT', 'CONNACK'], repeatable: false, allowed: { min: 1, max: 0xffff_ffff, why: 'must not be 0' } },
  { id: 0x28, key: 'wildcardSubscriptionAvailable', label: 'Wildcard Subscription Available', wireType: 'byte', contexts: ['CONNACK'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x29, key: 'subscriptionIdentifiersAvailable', label: 'Subscription Identifier Available', wireType: 'byte', contexts: ['CONNACK'], repeatable: false, allowed: ZERO_OR_ONE },
  { id: 0x2a, key: 'sharedSubscriptionAvailable', label: 'Shared Subscription Available', wireType: 'byte', contexts: ['CONNACK'], repeatable: false, allowed: ZERO_OR_ONE },
];

/** Lookup by identifier; holes are undefined. */
export const PROPERTY_BY_ID: ReadonlyArray<PropertyDefinition | undefined> = (() => {
  const table: Array<PropertyDefinition | undefined> = new Array(0x2b).fill(undefined);
  for (const definition of PROPERTIES) table[definition.id] = definition;
  return table;
})();

export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyDefinition> = new Map(PROPERTIES.map((d) => [d.key, d]));

/** Which packets (and the Will) a property may appear in, as a fast bit set per property. */
export function propertyAllowedIn(definition: PropertyDefinition, context: PropertyContext): boolean {
  return definition.contexts.includes(context);
}

export interface ReasonCodeDefinition {
  code: number;
  name: string;
  packets: ReadonlyArray<PacketType>;
}

const rc = (code: number, name: string, packets: PacketType[]): ReasonCodeDefinition => ({ code, name, packets });
const PUBACK_LIKE: PacketType[] = ['PUBACK', 'PUBREC'];

/** Every MQTT 5.0 reason code (5.0 §2.4, Table 2-6). Code 0x00 has three names by packet. */
export const REASON_CODES: ReadonlyArray<ReasonCodeDefinition> = [
  rc(0x00, 'Success', ['CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'UNSUBACK', 'AUTH']),
  rc(0x00, 'Normal disconnection', ['DISCONNECT']),
  rc(0x00, 'Granted QoS 0', ['SUBACK']),
  rc(0x01, 'Granted QoS 1', ['SUBACK']),
  rc(0x02, 'Granted QoS 2', ['SUBACK']),
  rc(0x04, 'Disconnect with Will Message', ['DISCONNECT']),
  rc(0x10, 'No matching subscribers', PUBACK_LIKE),
  rc(0x11, 'No subscription existed', ['UNSUBACK']),
  rc(0x18, 'Continue authentication', ['AUTH']),
  rc(0x19, 'Re-authenticate', ['AUTH']),
  rc(0x80, 'Unspecified error', ['CONNACK', ...PUBACK_LIKE, 'SUBACK', 'UNSUBACK', 'DISCONNECT']),
  rc(0x81, 'Malformed Packet', ['CONNACK', 'DISCONNECT']),
  rc(0x82, 'Protocol Error', ['CONNACK', 'DISCONNECT']),
  rc(0x83, 'Implementation specific error', ['CONNACK', ...PUBACK_LIKE, 'SUBACK', 'UNSUBACK', 'DISCONNECT']),
  rc(0x84, 'Unsupported Protocol Version', ['CONNACK']),
  rc(0x85, 'Client Identifier not valid', ['CONNACK']),
  rc(0x86, 'Bad User Name or Password', ['CONNACK']),
  rc(0x87, 'Not authorized', ['CONNACK', ...PUBACK_LIKE, 'SUBACK', 'UNSUBACK', 'DISCONNECT']),
  rc(0x88, 'Server unavailable', ['CONNACK']),
  rc(0x89, 'Server busy', ['CONNACK', 'DISCONNECT']),
  rc(0x8a, 'Banned', ['CONNACK']),
  rc(0x8b, 'Server shutting down', ['DISCONNECT']),
  rc(0x8c, 'Bad authentication method', ['CONNACK', 'DISCONNECT']),
  rc(0x8d, 'Keep Alive timeout', ['DISCONNECT']),
  rc(0x8e, 'Session taken over', ['DISCONNECT']),
  rc(0x8f, 'Topic Filter invalid', ['SUBACK', 'UNSUBACK', 'DISCONNECT']),
  rc(0x90, 'Topic Name invalid', ['CONNACK', ...PUBACK_LIKE, 'DISCONNECT']),
  rc(0x91, 'Packet Identifier in use', [...PUBACK_LIKE, 'SUBACK', 'UNSUBACK']),
  rc(0x92, 'Packet Identifier not found', ['PUBREL', 'PUBCOMP']),
  rc(0x93, 'Receive Maximum exceeded', ['DISCONNECT']),
  rc(0x94, 'Topic Alias invalid', ['DISCONNECT']),
  rc(0x95, 'Packet too large', ['CONNACK', 'DISCONNECT']),
  rc(0x96, 'Message rate too high', ['DISCONNECT']),
  rc(0x97, 'Quota exceeded', ['CONNACK', ...PUBACK_LIKE, 'SUBACK', 'DISCONNECT']),
  rc(0x98, 'Administrative action', ['DISCONNECT']),
  rc(0x99, 'Payload format invalid', ['CONNACK', ...PUBACK_LIKE, 'DISCONNECT']),
  rc(0x9a, 'Retain not supported', ['CONNACK', 'DISCONNECT']),
  rc(0x9b, 'QoS not supported', ['CONNACK', 'DISCONNECT']),
  rc(0x9c, 'Use another server', ['CONNACK', 'DISCONNECT']),
  rc(0x9d, 'Server moved', ['CONNACK', 'DISCONNECT']),
  rc(0x9e, 'Shared Subscriptions not supported', ['SUBACK', 'DISCONNECT']),
  rc(0x9f, 'Connection rate exceeded', ['CONNACK', 'DISCONNECT']),
  rc(0xa0, 'Maximum connect time', ['DISCONNECT']),
  rc(0xa1, 'Subscription Identifiers not supported', ['SUBACK', 'DISCONNECT']),
  rc(0xa2, 'Wildcard Subscriptions not supported', ['SUBACK', 'DISCONNECT']),
];

/** 3.1.1 CONNACK return codes (3.1.1 §3.2.2.3, Table 3.1); 3.1 uses the same six. */
export const CONNECT_RETURN_CODES_V4: ReadonlyArray<string> = [
  'Connection Accepted',
  'Connection Refused, unacceptable protocol version',
  'Connection Refused, identifier rejected',
  'Connection Refused, Server unavailable',
  'Connection Refused, bad user name or password',
  'Connection Refused, not authorized',
];

/** The rule that lists the reason codes each 5.0 packet may carry. */
export const REASON_CODE_RULES: Readonly<Partial<Record<PacketType, string>>> = {
  CONNACK: 'MQTT-3.2.2-8', PUBACK: 'MQTT-3.4.2-1', PUBREC: 'MQTT-3.5.2-1', PUBREL: 'MQTT-3.6.2-1',
  PUBCOMP: 'MQTT-3.7.2-1', SUBACK: 'MQTT-3.9.3-2', UNSUBACK: 'MQTT-3.11.3-2',
  DISCONNECT: 'MQTT-3.14.2-1', AUTH: 'MQTT-3.15.2-1',
};

const reasonCodeIndex = new Map<string, ReasonCodeDefinition>();
for (const definition of REASON_CODES) {
  for (const packet of definition.packets) reasonCodeIndex.set(`${packet}:${definition.code}`, definition);
}

/** The 5.0 reason code `code` as `packet` may carry it, or undefined where it may not. */
export function reasonCodeFor(packet: PacketType, code: number): ReasonCodeDefinition | undefined {
  return reasonCodeIndex.get(`${packet}:${code}`);
}

/** A human name for a reason or return code in any version, e.g. "0x87 Not authorized". */
export function reasonCodeName(packet: PacketType, code: number, version: ProtocolVersion): string {
  if (version !== 5) {
    if (packet === 'CONNACK') return CONNECT_RETURN_CODES_V4[code] ?? 'reserved return code';
    if (packet === 'SUBACK') return code === 0x80 ? 'Failure' : code <= 2 ? `Granted QoS ${code}` : 'reserved return code';
  }
  return reasonCodeFor(packet, code)?.name ?? 'not a valid reason code for this packet';
}

