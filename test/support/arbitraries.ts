/**
 * fast-check arbitraries of VALID MQTT packets in the codec's model, per protocol version
 * (3 = 3.1, 4 = 3.1.1, 5 = 5.0), plus byte-level mutations of encodings.
 *
 * "Valid" follows the specifications, not the codec: which properties each packet may carry is
 * written out here from 5.0 Table 2-4 instead of being read from the codec's PROPERTIES table, so
 * a mistake in that table shows up as a failing property instead of being copied into the tests.
 * Reason codes come from REASON_CODES (5.0 Table 2-6), the one table the brief lets us share.
 *
 * Every arbitrary yields the canonical form the decoder produces, so `decode(encode(p))` must
 * deep-equal `p` after `expectedAfterRoundTrip`, which only fills in what the model documents as
 * "omitted means 0x00" (the reason code of PUBACK/PUBREC/PUBREL/PUBCOMP, DISCONNECT and AUTH when
 * properties follow it on the wire).
 */
import fc from 'fast-check';
import { REASON_CODES } from '../../src/mqtt/codec/index.ts';
import type {
  AuthPacket, ConnackPacket, ConnectPacket, DisconnectPacket, Packet, PacketType, Properties,
  ProtocolVersion, PubAckLikePacket, PublishPacket, QoS, SubackPacket, SubscribePacket,
  Subscription, UnsubackPacket, UnsubscribePacket, Will,
} from '../../src/mqtt/codec/index.ts';

export type Version = ProtocolVersion;
export const VERSIONS: readonly Version[] = [3, 4, 5];

const MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

// ---------------------------------------------------------------------------------------------
// Strings

/**
 * One Unicode scalar value as a JS string: never U+0000 (MQTT-1.5.4-2) and never a lone surrogate
 * (MQTT-1.5.4-1); astral characters come as proper surrogate pairs. Mostly ASCII, so topics stay
 * readable when a property fails, with C0/C1 controls, U+FEFF (MQTT-1.5.4-3: must not be
 * stripped), non-characters and 2-, 3- and 4-byte UTF-8 sequences mixed in.
 */
export const unicodeChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x01, max: 0x1f }) },
  { weight: 1, arbitrary: fc.constantFrom(0x7f, 0x80, 0x9f, 0xfeff, 0xfffe, 0xffff, 0x10ffff) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0x7ff }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x800, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xffff }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
).map((codePoint) => String.fromCodePoint(codePoint));

/** A UTF-8 Encoded String (may be empty). */
export function utf8String(maxLength = 10, minLength = 0): fc.Arbitrary<string> {
  return fc.string({ unit: unicodeChar, minLength, maxLength });
}

const levelChar = unicodeChar.filter((c) => c !== '/' && c !== '+' && c !== '#');
/** One topic level without separators or wildcards; may be empty ("a//b" has an empty level). */
const topicLevel = fc.string({ unit: levelChar, maxLength: 6 });

/** A Topic Name: at least one character, no wildcards (MQTT-4.7.3-1, MQTT-3.3.2-2). */
export const topicName: fc.Arbitrary<string> = fc
  .array(topicLevel, { minLength: 1, maxLength: 5 })
  .map((levels) => levels.join('/'))
  .filter((topic) => topic.length > 0);

/**
 * A non-shared Topic Filter: '+' occupies whole levels (MQTT-4.7.1-3), '#' only as the whole last
 * level (MQTT-4.7.1-2), never empty (MQTT-4.7.3-1).
 */
const plainTopicFilter: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('#', '+', '+/#', '/', '/#', '$SYS/#', 'a/+/b') },
  {
    weight: 6,
    arbitrary: fc
      .record({
        levels: fc.array(fc.oneof({ weight: 3, arbitrary: topicLevel }, { weight: 1, arbitrary: fc.constant('+') }), { minLength: 1, maxLength: 5 }),
        multiLevel: fc.boolean(),
      })
      .map(({ levels, multiLevel }) => (multiLevel ? [...levels, '#'] : levels).join('/')),
  },
).filter((filter) => filter.length > 0);

/** A ShareName: at least one character, without '/', '+' or '#' (5.0 §4.8.2). */
const shareName = fc.string({ unit: levelChar, minLength: 1, maxLength: 6 });

/** A topic filter of the given version; in 5.0 also `$share/{ShareName}/{filter}`. */
export function topicFilter(version: Version): fc.Arbitrary<string> {
  // In 5.0 a filter starting "$share/" must be a well-formed shared subscription; the plain
  // generator could only produce one by accident, so it leaves them to sharedTopicFilter.
  if (version !== 5) return plainTopicFilter;
  return fc.oneof(
    { weight: 4, arbitrary: plainTopicFilter.filter((f) => !f.startsWith('$share/')) },
    { weight: 1, arbitrary: sharedTopicFilter },
  );
}

export const sharedTopicFilter: fc.Arbitrary<string> = fc
  .tuple(shareName, plainTopicFilter)
  .map(([group, filter]) => `$share/${group}/${filter}`);

// ---------------------------------------------------------------------------------------------
// Numbers and bytes

const uint16 = fc.integer({ min: 0, max: 0xffff });
const uint32 = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 1, 0xffff_ffff));
const nonZeroUint16 = fc.integer({ min: 1, max: 0xffff });
export const packetId = fc.oneof(nonZeroUint16, fc.constantFrom(1, 0xffff));
const qos = fc.constantFrom<QoS>(0, 1, 2);
const zeroOrOne = fc.constantFrom(0, 1);
/** 1..268 435 455, with the variable-byte-integer size boundaries well represented. */
const subscriptionIdentifier = fc.oneof(
  fc.integer({ min: 1, max: MAX_VARIABLE_BYTE_INTEGER }),
  fc.constantFrom(1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, MAX_VARIABLE_BYTE_INTEGER),
);
const smallBinary = fc.uint8Array({ maxLength: 24 });
/** Payloads of 0–300 bytes: crosses the 127-byte boundary of a one-byte remaining length. */
export const payload = fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 300, size: 'max' }));

// ---------------------------------------------------------------------------------------------
// 5.0 properties

/** User properties with deliberately repeated and interleaved names (MQTT-3.3.2-17/-18). */
const userProperties: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.tuple(
    fc.oneof({ weight: 2, arbitrary: fc.constantFrom('a', 'key', '1', '42', '__proto__', '') }, { weight: 1, arbitrary: utf8String(6) }),
    fc.oneof({ weight: 1, arbitrary: fc.constantFrom('', 'v', 'v2') }, { weight: 2, arbitrary: utf8String(8) }),
  ),
  { minLength: 1, maxLength: 5 },
);

type PropertyKey = keyof Properties;
type Context = PacketType | 'WILL';

/** Where each property may appear: 5.0 §2.2.2.2, Table 2-4, transcribed independently. */
const ALLOWED: Readonly<Record<Context, readonly PropertyKey[]>> = {
  CONNECT: ['sessionExpiryInterval', 'authenticationMethod', 'authenticationData', 'requestProblemInformation', 'requestResponseInformation', 'receiveMaximum', 'topicAliasMaximum', 'userProperties', 'maximumPacketSize'],
  WILL: ['payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic', 'correlationData', 'willDelayInterval', 'userProperties'],
  CONNACK: ['sessionExpiryInterval', 'assignedClientIdentifier', 'serverKeepAlive', 'authenticationMethod', 'authenticationData', 'responseInformation', 'serverReference', 'reasonString', 'receiveMaximum', 'topicAliasMaximum', 'maximumQoS', 'retainAvailable', 'userProperties', 'maximumPacketSize', 'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable'],
  PUBLISH: ['payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic', 'correlationData', 'subscriptionIdentifiers', 'topicAlias', 'userProperties'],
  PUBACK: ['reasonString', 'userProperties'],
  PUBREC: ['reasonString', 'userProperties'],
  PUBREL: ['reasonString', 'userProperties'],
  PUBCOMP: ['reasonString', 'userProperties'],
  SUBSCRIBE: ['subscriptionIdentifiers', 'userProperties'],
  SUBACK: ['reasonString', 'userProperties'],
  UNSUBSCRIBE: ['userProperties'],
  UNSUBACK: ['reasonString', 'userProperties'],
  PINGREQ: [],
  PINGRESP: [],
  DISCONNECT: ['sessionExpiryInterval', 'reasonString', 'userProperties', 'serverReference'],
  AUTH: ['authenticationMethod', 'authenticationData', 'reasonString', 'userProperties'],
};

/** In-range values (5.0 §3.x "It is a Protocol Error …" rules). */
function propertyValue(key: PropertyKey, context: Context): fc.Arbitrary<unknown> {
  switch (key) {
    case 'payloadFormatIndicator':
    case 'requestProblemInformation':
    case 'requestResponseInformation':
    case 'retainAvailable':
    case 'wildcardSubscriptionAvailable':
    case 'subscriptionIdentifiersAvailable':
    case 'sharedSubscriptionAvailable':
    case 'maximumQoS': // 5.0 §3.2.2.3.4: 0 or 1 only
      return zeroOrOne;
    case 'messageExpiryInterval':
    case 'sessionExpiryInterval':
    case 'willDelayInterval':
      return uint32;
    case 'maximumPacketSize': // 5.0 §3.1.2.11.4 / §3.2.2.3.6: 0 is a Protocol Error
      return fc.oneof(fc.integer({ min: 1, max: 0xffff_ffff }), fc.constantFrom(1, 0xffff_ffff));
    case 'receiveMaximum': // 5.0 §3.1.2.11.3 / §3.2.2.3.3: 0 is a Protocol Error
    case 'topicAlias': // MQTT-3.3.2-8
      return fc.oneof(nonZeroUint16, fc.constant(0xffff));
    case 'serverKeepAlive':
    case 'topicAliasMaximum':
      return uint16;
    case 'responseTopic': // MQTT-3.3.2-14: a Topic Name, no wildcards
      return topicName;
    case 'contentType':
    case 'assignedClientIdentifier':
    case 'authenticationMethod':
    case 'responseInformation':
    case 'serverReference':
    case 'reasonString':
      return utf8String();
    case 'correlationData':
    case 'authenticationData':
      return smallBinary;
    case 'subscriptionIdentifiers':
      // A PUBLISH from the server may carry one per matching subscription; a SUBSCRIBE one only
      // (5.0 §3.8.2.1.2).
      return fc.array(subscriptionIdentifier, { minLength: 1, maxLength: context === 'PUBLISH' ? 3 : 1 });
    case 'userProperties':
      return userProperties;
  }
}

/**
 * A property block for `context`: any subset of the allowed properties, in a random key order
 * (the encoder writes key order and the decoder keeps wire order, so order must survive).
 */
export function properties(context: Context): fc.Arbitrary<Properties> {
  const keys = ALLOWED[context];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = propertyValue(key, context);
  return fc
    .record(model, { requiredKeys: [], noNullPrototype: true })
    .chain((record) => {
      const present = Object.keys(record);
      return fc.shuffledSubarray(present, { minLength: present.length, maxLength: present.length }).map((order) => {
        const out: Record<string, unknown> = {};
        for (const key of order) out[key] = record[key];
        // 5.0 §3.1.2.11.10 / §3.2.2.3.17: Authentication Data without a Method is a Protocol Error.
        if (out.authenticationData !== undefined && out.authenticationMethod === undefined) delete out.authenticationData;
        return out as Properties;
      });
    });
}

// ---------------------------------------------------------------------------------------------
// Reason codes

function reasonCodes(type: PacketType): number[] {
  return [...new Set(REASON_CODES.filter((d) => d.packets.includes(type)).map((d) => d.code))];
}

function reasonCode(type: PacketType): fc.Arbitrary<number> {
  return fc.constantFrom(...reasonCodes(type));
}

// ---------------------------------------------------------------------------------------------
// Packets

function connect(version: Version): fc.Arbitrary<ConnectPacket> {
  const will: fc.Arbitrary<Will> = fc
    .record({
      topic: topicName,
      payload: fc.uint8Array({ maxLength: 40 }),
      qos,
      retain: fc.boolean(),
      properties: version === 5 ? properties('WILL') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((w) => {
      if (w.properties === undefined) delete w.properties;
      return w as Will;
    });
  // 3.1 asks for a Client Identifier of 1 to 23 characters; 3.1.1 and 5.0 allow an empty one.
  const clientId = version === 3 ? utf8String(23, 1) : utf8String(23);
  return fc
    .record({
      cleanSession: fc.boolean(),
      keepAlive: fc.oneof(uint16, fc.constantFrom(0, 0xffff)),
      clientId,
      will: fc.option(will, { nil: undefined }),
      username: fc.option(utf8String(), { nil: undefined }),
      password: fc.option(smallBinary, { nil: undefined }),
      properties: version === 5 ? properties('CONNECT') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: ConnectPacket = {
        type: 'CONNECT',
        protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
        protocolLevel: version,
        cleanSession: r.cleanSession,
        keepAlive: r.keepAlive,
        clientId: r.clientId,
      };
      // MQTT-3.1.3-7 (3.1.1): a zero-byte ClientId needs CleanSession = 1. 5.0 dropped the rule.
      if (version === 4 && r.clientId === '') packet.cleanSession = true;
      if (r.will !== undefined) packet.will = r.will;
      if (r.username !== undefined) packet.username = r.username;
      // MQTT-3.1.2-22 (3.1.1): no Password without a User Name. 5.0 allows it (§3.1.2.9). For 3.1
      // we keep the 3.1.1 rule: mqtt-packet and 3.1.1 agree on it and 3.1 is not in the reference.
      if (r.password !== undefined && (version === 5 || r.username !== undefined)) packet.password = r.password;
      if (r.properties !== undefined) packet.properties = r.properties;
      return packet;
    });
}

function connack(version: Version): fc.Arbitrary<ConnackPacket> {
  const code = version === 5 ? reasonCode('CONNACK') : fc.integer({ min: 0, max: 5 });
  return fc
    .record({
      reasonCode: fc.oneof(fc.constant(0), code),
      sessionPresent: fc.boolean(),
      properties: version === 5 ? properties('CONNACK') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      // MQTT-3.2.2-6 (5.0) / MQTT-3.2.2-4 (3.1.1): Session Present only with code 0; 3.1 has no flag.
      const packet: ConnackPacket = { type: 'CONNACK', sessionPresent: version !== 3 && r.reasonCode === 0 && r.sessionPresent, reasonCode: r.reasonCode };
      if (r.properties !== undefined) packet.properties = r.properties;
      return packet;
    });
}

function publish(version: Version): fc.Arbitrary<PublishPacket> {
  return fc
    .record({
      qos,
      dup: fc.boolean(),
      retain: fc.boolean(),
      topic: topicName,
      aliasOnly: fc.boolean(),
      alias: nonZeroUint16,
      packetId,
      payload,
      properties: version === 5 ? properties('PUBLISH') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: PublishPacket = {
        type: 'PUBLISH',
        // MQTT-3.3.1-2: DUP must be 0 for QoS 0 (3.1 did not say so).
        dup: version === 3 || r.qos > 0 ? r.dup : false,
        qos: r.qos,
        retain: r.retain,
        topic: r.topic,
        payload: r.payload,
      };
      // MQTT-2.2.1-2 / MQTT-2.3.1-5: a Packet Identifier exactly when QoS > 0.
      if (r.qos > 0) packet.packetId = r.packetId;
      if (r.properties !== undefined) {
        const props = { ...r.properties };
        // 5.0 §3.3.2.1: an empty Topic Name only with a Topic Alias standing in for it.
        if (r.aliasOnly) {
          packet.topic = '';
          if (props.topicAlias === undefined) props.topicAlias = r.alias;
        }
        packet.properties = props;
      }
      return packet;
    });
}

function pubAckLike(type: PubAckLikePacket['type'], version: Version): fc.Arbitrary<PubAckLikePacket> {
  if (version !== 5) return packetId.map((id) => ({ type, packetId: id }));
  // 5.0 §3.4.2.1: reason code and property length may be left out; the model keeps which.
  return fc
    .record({
      packetId,
      shape: fc.constantFrom('short', 'code', 'code+properties', 'properties'),
      reasonCode: reasonCode(type),
      properties: properties(type),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: PubAckLikePacket = { type, packetId: r.packetId };
      if (r.shape === 'code' || r.shape === 'code+properties') packet.reasonCode = r.reasonCode;
      if (r.shape === 'code+properties' || r.shape === 'properties') packet.properties = r.properties;
      return packet;
    });
}

function subscribe(version: Version): fc.Arbitrary<SubscribePacket> {
  const subscription: fc.Arbitrary<Subscription> = version === 5
    ? fc
      .record({
        topicFilter: topicFilter(5),
        qos,
        noLocal: fc.boolean(),
        retainAsPublished: fc.boolean(),
        retainHandling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      }, { noNullPrototype: true })
      // MQTT-3.8.3-4: No Local on a Shared Subscription is a Protocol Error.
      .map((s) => (s.topicFilter.startsWith('$share/') ? { ...s, noLocal: false } : s))
    : fc.record({ topicFilter: topicFilter(version), qos }, { noNullPrototype: true });
  return fc
    .record({
      packetId,
      subscriptions: fc.array(subscription, { minLength: 1, maxLength: 4 }),
      properties: version === 5 ? properties('SUBSCRIBE') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: SubscribePacket = { type: 'SUBSCRIBE', packetId: r.packetId, subscriptions: r.subscriptions };
      if (r.properties !== undefined) packet.properties = r.properties;
      return packet;
    });
}

function suback(version: Version): fc.Arbitrary<SubackPacket> {
  const code = version === 5 ? reasonCode('SUBACK') : fc.constantFrom(0, 1, 2, 0x80);
  return fc
    .record({
      packetId,
      reasonCodes: fc.array(code, { minLength: 1, maxLength: 4 }),
      properties: version === 5 ? properties('SUBACK') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: SubackPacket = { type: 'SUBACK', packetId: r.packetId, reasonCodes: r.reasonCodes };
      if (r.properties !== undefined) packet.properties = r.properties;
      return packet;
    });
}

function unsubscribe(version: Version): fc.Arbitrary<UnsubscribePacket> {
  return fc
    .record({
      packetId,
      topicFilters: fc.array(topicFilter(version), { minLength: 1, maxLength: 4 }),
      properties: version === 5 ? properties('UNSUBSCRIBE') : fc.constant(undefined),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: UnsubscribePacket = { type: 'UNSUBSCRIBE', packetId: r.packetId, topicFilters: r.topicFilters };
      if (r.properties !== undefined) packet.properties = r.properties;
      return packet;
    });
}

function unsuback(version: Version): fc.Arbitrary<UnsubackPacket> {
  if (version !== 5) return packetId.map((id) => ({ type: 'UNSUBACK', packetId: id }));
  return fc
    .record({
      packetId,
      reasonCodes: fc.array(reasonCode('UNSUBACK'), { minLength: 1, maxLength: 4 }),
      properties: properties('UNSUBACK'),
    }, { noNullPrototype: true })
    .map((r) => ({ type: 'UNSUBACK', packetId: r.packetId, properties: r.properties, reasonCodes: r.reasonCodes }));
}

function disconnect(version: Version): fc.Arbitrary<DisconnectPacket> {
  if (version !== 5) return fc.constant({ type: 'DISCONNECT' });
  // 5.0 §3.14.2.1: reason code and property length may be left out.
  return fc
    .record({
      shape: fc.constantFrom('short', 'code', 'code+properties', 'properties'),
      reasonCode: reasonCode('DISCONNECT'),
      properties: properties('DISCONNECT'),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: DisconnectPacket = { type: 'DISCONNECT' };
      if (r.shape === 'code' || r.shape === 'code+properties') packet.reasonCode = r.reasonCode;
      if (r.shape === 'code+properties' || r.shape === 'properties') packet.properties = r.properties;
      return packet;
    });
}

function auth(): fc.Arbitrary<AuthPacket> {
  // 5.0 §3.15.2.1: both may be left out only together (Remaining Length 0); once the reason code
  // is there, the property length follows it.
  return fc
    .record({
      shape: fc.constantFrom('short', 'code+properties', 'properties'),
      reasonCode: reasonCode('AUTH'),
      properties: properties('AUTH'),
    }, { noNullPrototype: true })
    .map((r) => {
      const packet: AuthPacket = { type: 'AUTH' };
      if (r.shape === 'code+properties') packet.reasonCode = r.reasonCode;
      if (r.shape !== 'short') packet.properties = r.properties;
      return packet;
    });
}

/** The valid packets of one type in one version (AUTH only in 5.0). */
export function packetOfType(type: PacketType, version: Version): fc.Arbitrary<Packet> {
  switch (type) {
    case 'CONNECT': return connect(version);
    case 'CONNACK': return connack(version);
    case 'PUBLISH': return publish(version);
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP': return pubAckLike(type, version);
    case 'SUBSCRIBE': return subscribe(version);
    case 'SUBACK': return suback(version);
    case 'UNSUBSCRIBE': return unsubscribe(version);
    case 'UNSUBACK': return unsuback(version);
    case 'PINGREQ': return fc.constant({ type: 'PINGREQ' });
    case 'PINGRESP': return fc.constant({ type: 'PINGRESP' });
    case 'DISCONNECT': return disconnect(version);
    case 'AUTH':
      if (version !== 5) throw new Error('AUTH exists only in MQTT 5.0');
      return auth();
  }
}

export const PACKET_TYPES: readonly PacketType[] = [
  'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];

export function packetTypes(version: Version): PacketType[] {
  return PACKET_TYPES.filter((type) => type !== 'AUTH' || version === 5);
}

/** Any valid packet of `version`; every type equally likely. */
export function packetArbitrary(version: Version): fc.Arbitrary<Packet> {
  return fc.oneof(...packetTypes(version).map((type) => packetOfType(type, version)));
}

/** A valid packet of any version, with the version it is valid in. */
export const anyVersionPacket: fc.Arbitrary<{ version: Version; packet: Packet }> = fc.oneof(
  ...VERSIONS.map((version) => packetArbitrary(version).map((packet) => ({ version, packet }))),
);

/**
 * What decoding the encoding of `packet` gives back. The only normalisation is the documented
 * default: an omitted reason code means 0x00, and once properties are present on the wire the
 * reason code byte is written before them, so it comes back explicit.
 */
export function expectedAfterRoundTrip(packet: Packet, version: Version): Packet {
  if (version !== 5) return packet;
  switch (packet.type) {
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
    case 'DISCONNECT':
    case 'AUTH':
      if (packet.properties !== undefined && packet.reasonCode === undefined) return { ...packet, reasonCode: 0 };
      return packet;
    default:
      return packet;
  }
}

// ---------------------------------------------------------------------------------------------
// Byte mutations

export type Mutation =
  | { kind: 'flipBit'; at: number; bit: number }
  | { kind: 'setByte'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insertByte'; at: number; value: number }
  | { kind: 'deleteByte'; at: number }
  | { kind: 'duplicateChunk'; at: number; length: number; to: number };

const position = fc.nat({ max: 1000 });
const byteValue = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x01, 0x02, 0x7f, 0x80, 0xff));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flipBit' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('setByte' as const), at: position, value: byteValue }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insertByte' as const), at: position, value: byteValue }),
  fc.record({ kind: fc.constant('deleteByte' as const), at: position }),
  fc.record({ kind: fc.constant('duplicateChunk' as const), at: position, length: fc.integer({ min: 1, max: 16 }), to: position }),
);

/** Applies one mutation; positions wrap around the input's length. Never modifies `bytes`. */
export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  if (n === 0) return m.kind === 'insertByte' ? Uint8Array.of(m.value) : bytes.slice();
  const at = m.at % n;
  switch (m.kind) {
    case 'flipBit': {
      const out = bytes.slice();
      out[at]! ^= 1 << m.bit;
      return out;
    }
    case 'setByte': {
      const out = bytes.slice();
      out[at] = m.value;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insertByte': {
      const where = m.at % (n + 1);
      const out = new Uint8Array(n + 1);
      out.set(bytes.subarray(0, where), 0);
      out[where] = m.value;
      out.set(bytes.subarray(where), where + 1);
      return out;
    }
    case 'deleteByte': {
      const out = new Uint8Array(n - 1);
      out.set(bytes.subarray(0, at), 0);
      out.set(bytes.subarray(at + 1), at);
      return out;
    }
    case 'duplicateChunk': {
      const chunk = bytes.slice(at, Math.min(n, at + m.length));
      const where = m.to % (n + 1);
      const out = new Uint8Array(n + chunk.length);
      out.set(bytes.subarray(0, where), 0);
      out.set(chunk, where);
      out.set(bytes.subarray(where), where + chunk.length);
      return out;
    }
  }
}

export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) out = applyMutation(out, m);
  return out === bytes ? bytes.slice() : out;
}

/** Cut points for feeding `length` bytes in chunks: sorted, unique, strictly inside (0, length). */
export function chunkSizes(length: number, cuts: readonly number[]): number[] {
  const points = [...new Set(cuts.map((c) => (length === 0 ? 0 : c % length)).filter((c) => c > 0))].sort((a, b) => a - b);
  const sizes: number[] = [];
  let previous = 0;
  for (const point of points) {
    sizes.push(point - previous);
    previous = point;
  }
  if (length - previous > 0) sizes.push(length - previous);
  return sizes;
}
