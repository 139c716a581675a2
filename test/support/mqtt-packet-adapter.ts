/**
 * Talks to mqtt-packet (the codec MQTT.js uses) from the tests: converts between the codec's
 * packet model and mqtt-packet's objects, and runs mqtt-packet's parser and generator
 * synchronously.
 *
 * The mapping, read from mqtt-packet 9.0.2's parser.js, writeToStream.js and constants.js:
 *
 * | ours                               | mqtt-packet                                          |
 * |------------------------------------|------------------------------------------------------|
 * | `type: 'PUBLISH'`                  | `cmd: 'publish'`                                     |
 * | `packetId`                         | `messageId`                                          |
 * | CONNECT `protocolName`/`Level`     | `protocolId` / `protocolVersion`                     |
 * | CONNECT `cleanSession`/`keepAlive` | `clean` / `keepalive`                                |
 * | CONNACK `reasonCode`               | `returnCode` in 3.1/3.1.1, `reasonCode` in 5.0       |
 * | SUBSCRIBE `subscriptions[i]`       | `{ topic, qos, nl, rap, rh }` (nl/rap/rh in 5.0 only)|
 * | SUBACK / 5.0 UNSUBACK `reasonCodes`| `granted`                                            |
 * | UNSUBSCRIBE `topicFilters`         | `unsubscriptions`                                    |
 * | `Uint8Array`                       | `Buffer`                                             |
 * | `properties.subscriptionIdentifiers: number[]` | `subscriptionIdentifier`: a number when one, else an array |
 * | `properties.userProperties: [k, v][]` (wire order) | `{ k: v \| v[] }` (null prototype; order across names lost) |
 * | byte properties as 0/1             | booleans for payloadFormatIndicator, requestProblemInformation, requestResponseInformation, retainAvailable, wildcardSubscriptionAvailable, subscriptionIdentifiersAvailable, sharedSubscriptionAvailable; maximumQoS stays a number |
 *
 * mqtt-packet's parser drops an empty property block (no `properties` key), always reports a 5.0
 * PUBACK/PUBREC/PUBREL/PUBCOMP/DISCONNECT reason code (0 when the wire left it out), and every
 * parsed packet carries `retain`, `qos`, `dup`, `length`, `topic` and `payload` from its Packet
 * class; `comparableMqtt` strips what is noise for the packet's type.
 */
import { Buffer } from 'node:buffer';
import mqtt from 'mqtt-packet';
import type {
  ConnackPacket, ConnectPacket, Packet, PacketType, Properties, ProtocolVersion, PubAckLikePacket,
  PublishPacket, SubackPacket, SubscribePacket, Subscription, UnsubackPacket, UnsubscribePacket, Will,
} from '../../src/mqtt/codec/index.ts';

/** An mqtt-packet packet object (its TypeScript types are stricter than what it really emits). */
export type MqttObject = Record<string, any>;

const CMD: Readonly<Record<PacketType, string>> = {
  CONNECT: 'connect', CONNACK: 'connack', PUBLISH: 'publish', PUBACK: 'puback', PUBREC: 'pubrec',
  PUBREL: 'pubrel', PUBCOMP: 'pubcomp', SUBSCRIBE: 'subscribe', SUBACK: 'suback',
  UNSUBSCRIBE: 'unsubscribe', UNSUBACK: 'unsuback', PINGREQ: 'pingreq', PINGRESP: 'pingresp',
  DISCONNECT: 'disconnect', AUTH: 'auth',
};
const TYPE_OF_CMD: Readonly<Record<string, PacketType>> = Object.fromEntries(Object.entries(CMD).map(([t, c]) => [c, t as PacketType]));

/** Properties mqtt-packet holds as booleans (its 'byte' type); the model holds 0/1. */
const BOOLEAN_PROPERTIES = new Set([
  'payloadFormatIndicator', 'requestProblemInformation', 'requestResponseInformation', 'retainAvailable',
  'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable',
]);
const BINARY_PROPERTIES = new Set(['correlationData', 'authenticationData']);

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const toBytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer);

// ---------------------------------------------------------------------------------------------
// Properties

/** Groups user properties by name, as mqtt-packet's object holds them. Null prototype, like its parser. */
export function userPropertiesToObject(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of pairs) {
    if (!Object.prototype.hasOwnProperty.call(out, name)) out[name] = value;
    else {
      const current = out[name]!;
      out[name] = Array.isArray(current) ? [...current, value] : [current, value];
    }
  }
  return out;
}

/** Expands mqtt-packet's user property object in the order it generates them (getOwnPropertyNames). */
export function userPropertiesFromObject(object: Record<string, string | string[]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of Object.getOwnPropertyNames(object)) {
    const value = object[name]!;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out;
}

/** Our properties → mqtt-packet's, in the same key order. Undefined when the block is empty. */
export function propertiesToMqtt(properties: Properties | undefined): MqttObject | undefined {
  if (properties === undefined) return undefined;
  const out: MqttObject = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (key === 'subscriptionIdentifiers') {
      const list = value as number[];
      if (list.length === 0) continue;
      out.subscriptionIdentifier = list.length === 1 ? list[0] : [...list];
    } else if (key === 'userProperties') {
      const pairs = value as Array<[string, string]>;
      if (pairs.length === 0) continue;
      out.userProperties = userPropertiesToObject(pairs);
    } else if (BOOLEAN_PROPERTIES.has(key)) {
      out[key] = value === 1;
    } else if (BINARY_PROPERTIES.has(key)) {
      out[key] = toBuffer(value as Uint8Array);
    } else {
      out[key] = value;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** mqtt-packet's properties → ours, in its key order ({} when absent). */
export function propertiesFromMqtt(properties: MqttObject | undefined): Properties {
  const out: Record<string, unknown> = {};
  if (properties === undefined) return out;
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    if (value === undefined || value === null) continue;
    if (key === 'subscriptionIdentifier') out.subscriptionIdentifiers = Array.isArray(value) ? [...value] : [value];
    else if (key === 'userProperties') out.userProperties = userPropertiesFromObject(value);
    else if (BOOLEAN_PROPERTIES.has(key)) out[key] = value ? 1 : 0;
    else if (BINARY_PROPERTIES.has(key)) out[key] = toBytes(value);
    else out[key] = value;
  }
  return out as Properties;
}

// ---------------------------------------------------------------------------------------------
// Packets

/**
 * Our packet → the object mqtt-packet generates it from and parses it to. Omitted 5.0 reason codes
 * become 0 (mqtt-packet writes `Buffer.from([undefined])`, i.e. 0, and reports 0 when parsing).
 */
export function toMqtt(packet: Packet, version: ProtocolVersion): MqttObject {
  const out: MqttObject = { cmd: CMD[packet.type] };
  const setProperties = (properties: Properties | undefined) => {
    const converted = propertiesToMqtt(properties);
    if (converted !== undefined) out.properties = converted;
  };
  switch (packet.type) {
    case 'CONNECT': {
      out.protocolId = packet.protocolName;
      out.protocolVersion = packet.protocolLevel;
      out.clean = packet.cleanSession;
      out.keepalive = packet.keepAlive;
      out.clientId = packet.clientId;
      if (packet.protocolLevel === 5) setProperties(packet.properties);
      if (packet.will !== undefined) {
        const will: MqttObject = { retain: packet.will.retain, qos: packet.will.qos, topic: packet.will.topic, payload: toBuffer(packet.will.payload) };
        const willProperties = packet.protocolLevel === 5 ? propertiesToMqtt(packet.will.properties) : undefined;
        if (willProperties !== undefined) will.properties = willProperties;
        out.will = will;
      }
      if (packet.username !== undefined) out.username = packet.username;
      if (packet.password !== undefined) out.password = toBuffer(packet.password);
      return out;
    }
    case 'CONNACK':
      out.sessionPresent = packet.sessionPresent;
      if (version === 5) {
        out.reasonCode = packet.reasonCode;
        setProperties(packet.properties);
      } else {
        out.returnCode = packet.reasonCode;
      }
      return out;
    case 'PUBLISH':
      out.retain = packet.retain;
      out.qos = packet.qos;
      out.dup = packet.dup;
      out.topic = packet.topic;
      out.payload = toBuffer(packet.payload);
      if (packet.qos > 0) out.messageId = packet.packetId;
      if (version === 5) setProperties(packet.properties);
      return out;
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      out.messageId = packet.packetId;
      if (version === 5) {
        out.reasonCode = packet.reasonCode ?? 0;
        setProperties(packet.properties);
      }
      return out;
    case 'SUBSCRIBE':
      out.messageId = packet.packetId;
      if (version === 5) setProperties(packet.properties);
      out.subscriptions = packet.subscriptions.map((s) => (version === 5
        ? { topic: s.topicFilter, qos: s.qos, nl: s.noLocal ?? false, rap: s.retainAsPublished ?? false, rh: s.retainHandling ?? 0 }
        : { topic: s.topicFilter, qos: s.qos }));
      return out;
    case 'SUBACK':
      out.messageId = packet.packetId;
      if (version === 5) setProperties(packet.properties);
      out.granted = [...packet.reasonCodes];
      return out;
    case 'UNSUBSCRIBE':
      out.messageId = packet.packetId;
      if (version === 5) setProperties(packet.properties);
      out.unsubscriptions = [...packet.topicFilters];
      return out;
    case 'UNSUBACK':
      out.messageId = packet.packetId;
      if (version === 5) {
        setProperties(packet.properties);
        out.granted = [...(packet.reasonCodes ?? [])];
      }
      return out;
    case 'PINGREQ':
    case 'PINGRESP':
      return out;
    case 'DISCONNECT':
    case 'AUTH':
      if (version === 5) {
        out.reasonCode = packet.reasonCode ?? 0;
        setProperties(packet.properties);
      }
      return out;
  }
}

/**
 * An mqtt-packet object → our packet, in the model's canonical form for `version`: property
 * blocks that 5.0 always carries come back as {} when mqtt-packet left them out, and user
 * properties in mqtt-packet's (grouped) order.
 */
export function fromMqtt(object: MqttObject, version: ProtocolVersion): Packet {
  const type = TYPE_OF_CMD[object.cmd];
  if (type === undefined) throw new Error(`mqtt-packet object with unknown cmd ${String(object.cmd)}`);
  const v5 = version === 5;
  switch (type) {
    case 'CONNECT': {
      const level = object.protocolVersion as ProtocolVersion;
      const packet: ConnectPacket = {
        type, protocolName: object.protocolId, protocolLevel: level, cleanSession: object.clean,
        keepAlive: object.keepalive, clientId: object.clientId,
      };
      if (level === 5) packet.properties = propertiesFromMqtt(object.properties);
      if (object.will) {
        const will: Will = { topic: object.will.topic, payload: toBytes(object.will.payload ?? new Uint8Array(0)), qos: object.will.qos, retain: object.will.retain };
        if (level === 5) will.properties = propertiesFromMqtt(object.will.properties);
        packet.will = will;
      }
      if (object.username !== undefined) packet.username = object.username;
      if (object.password !== undefined) packet.password = toBytes(object.password);
      return packet;
    }
    case 'CONNACK': {
      const packet: ConnackPacket = { type, sessionPresent: object.sessionPresent, reasonCode: v5 ? object.reasonCode : object.returnCode };
      if (v5) packet.properties = propertiesFromMqtt(object.properties);
      return packet;
    }
    case 'PUBLISH': {
      const packet: PublishPacket = { type, dup: object.dup, qos: object.qos, retain: object.retain, topic: object.topic, payload: toBytes(object.payload) };
      if (object.qos > 0) packet.packetId = object.messageId;
      if (v5) packet.properties = propertiesFromMqtt(object.properties);
      return packet;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP': {
      const packet: PubAckLikePacket = { type, packetId: object.messageId };
      if (v5) {
        packet.reasonCode = object.reasonCode ?? 0;
        if (object.properties !== undefined) packet.properties = propertiesFromMqtt(object.properties);
      }
      return packet;
    }
    case 'SUBSCRIBE': {
      const packet: SubscribePacket = {
        type, packetId: object.messageId,
        subscriptions: (object.subscriptions as MqttObject[]).map((s): Subscription => (v5
          ? { topicFilter: s.topic, qos: s.qos, noLocal: !!s.nl, retainAsPublished: !!s.rap, retainHandling: s.rh ?? 0 }
          : { topicFilter: s.topic, qos: s.qos })),
      };
      if (v5) packet.properties = propertiesFromMqtt(object.properties);
      return packet;
    }
    case 'SUBACK': {
      const packet: SubackPacket = { type, packetId: object.messageId, reasonCodes: [...object.granted] };
      if (v5) packet.properties = propertiesFromMqtt(object.properties);
      return packet;
    }
    case 'UNSUBSCRIBE': {
      const packet: UnsubscribePacket = { type, packetId: object.messageId, topicFilters: [...object.unsubscriptions] };
      if (v5) packet.properties = propertiesFromMqtt(object.properties);
      return packet;
    }
    case 'UNSUBACK': {
      const packet: UnsubackPacket = { type, packetId: object.messageId };
      if (v5) {
        packet.properties = propertiesFromMqtt(object.properties);
        packet.reasonCodes = [...(object.granted ?? [])];
      }
      return packet;
    }
    case 'PINGREQ':
    case 'PINGRESP':
      return { type };
    case 'DISCONNECT':
    case 'AUTH': {
      if (!v5) return { type: 'DISCONNECT' };
      const packet: { type: 'DISCONNECT' | 'AUTH'; reasonCode?: number; properties?: Properties } = { type, reasonCode: object.reasonCode ?? 0 };
      if (object.properties !== undefined) packet.properties = propertiesFromMqtt(object.properties);
      return packet as Packet;
    }
  }
}

/**
 * Our packet rewritten into the representation mqtt-packet's generator would choose for the same
 * meaning, so `encodePacket(canonicalForMqttPacket(p))` can be compared byte for byte with
 * `mqtt.generate(toMqtt(p))`. Where the spec leaves a choice, these are mqtt-packet's choices:
 *  - property order: its object's key order, user properties grouped by name (getOwnPropertyNames
 *    order: integer-like names first);
 *  - 5.0 PUBACK/PUBREC/PUBREL/PUBCOMP without properties: the 2-byte short form for 0x00, else
 *    reason code plus a zero property length (4 bytes), never the 3-byte form;
 *  - 5.0 DISCONNECT and AUTH: always reason code and property length, never the short form;
 *  - an empty 5.0 property block of an acknowledgement is never written.
 */
export function canonicalForMqttPacket(packet: Packet, version: ProtocolVersion): Packet {
  const converted = fromMqtt(toMqtt(packet, version), version);
  if (version !== 5) return converted;
  switch (converted.type) {
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      if (converted.properties === undefined) {
        if (converted.reasonCode === 0) delete converted.reasonCode;
        else converted.properties = {};
      }
      return converted;
    case 'DISCONNECT':
    case 'AUTH':
      converted.properties ??= {};
      return converted;
    default:
      return converted;
  }
}

/** Drops what is noise in a parsed mqtt-packet object (Packet-class defaults and `length`). */
export function comparableMqtt(object: MqttObject): MqttObject {
  const out: MqttObject = { ...object };
  delete out.length;
  if (out.cmd !== 'publish') {
    // Header flags of non-PUBLISH packets are fixed (PUBREL/SUBSCRIBE/UNSUBSCRIBE parse as qos 1).
    delete out.topic;
    delete out.payload;
    delete out.retain;
    delete out.qos;
    delete out.dup;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return normaliseBuffers(out) as MqttObject;
}

/** Buffers → plain Uint8Array copies, recursively, so equality never depends on the pool. */
function normaliseBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normaliseBuffers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.getOwnPropertyNames(value)) out[key] = normaliseBuffers((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Running mqtt-packet

export interface MqttParseResult {
  packets: MqttObject[];
  /** The first error the parser emitted, if any. */
  error: Error | null;
  /** What `parser.parse` returned: bytes left in its buffer. */
  remaining: number;
}

/** Parses `bytes` (one call, or one per chunk) with a fresh mqtt-packet parser, synchronously. */
export function mqttParse(bytes: Uint8Array | readonly Uint8Array[], version: ProtocolVersion): MqttParseResult {
  const parser = mqtt.parser({ protocolVersion: version });
  const result: MqttParseResult = { packets: [], error: null, remaining: 0 };
  parser.on('packet', (packet: MqttObject) => result.packets.push(packet));
  parser.on('error', (error: Error) => {
    result.error ??= error;
  });
  const chunks = bytes instanceof Uint8Array ? [bytes] : bytes;
  for (const chunk of chunks) {
    result.remaining = parser.parse(Buffer.from(chunk));
    if (result.error !== null) break;
  }
  return result;
}

/**
 * mqtt-packet's `generate`, synchronously. It throws when its writer refuses the object; a few of
 * its checks instead return false having written nothing, which this turns into an error too.
 */
export function mqttGenerate(object: MqttObject, version: ProtocolVersion): Uint8Array {
  const bytes = new Uint8Array(mqtt.generate(object as never, { protocolVersion: version }));
  if (bytes.length === 0) throw new Error(`mqtt-packet generated nothing for ${String(object.cmd)}`);
  return bytes;
}

export { mqtt };
