/**
 * Hand-assembled MQTT packets: every packet type in every version where it exists (3.1, 3.1.1,
 * 5.0; AUTH only in 5.0), each with its bytes written out field by field from the specifications
 * and the packet model the codec must decode them to. The bytes were computed by hand — they are
 * an independent check of the codec, not a recording of what our encoder writes.
 *
 * ASCII used below: '/' 2f, '+' 2b, '#' 23, '$' 24, '-' 2d, '.' 2e, '0'–'9' 30–39,
 * 'A'–'Z' 41–5a, 'a'–'z' 61–7a.
 */
import type { Packet, ProtocolVersion } from '../../src/mqtt/codec/index.ts';

export interface Fixture {
  name: string;
  version: ProtocolVersion;
  /** Lowercase hex, no spaces. */
  hex: string;
  packet: Packet;
}

/** One field of a packet: its bytes in hex (spaces allowed) and what they mean. */
export type Field = readonly [hex: string, comment: string];

/** Joins fields into one lowercase hex string, refusing anything that is not whole hex bytes. */
export function bytes(...fields: Field[]): string {
  return fields.map(([hex, comment]) => {
    const compact = hex.replace(/\s+/g, '');
    if (!/^(?:[0-9a-f]{2})*$/.test(compact)) throw new Error(`bad hex ${JSON.stringify(hex)} for field "${comment}"`);
    return compact;
  }).join('');
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from((hex.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
}

/** A model-side byte string (payloads, passwords): the UTF-8 of `text`. */
const utf8 = (text: string) => new TextEncoder().encode(text);
const raw = (...values: number[]) => Uint8Array.from(values);

/* ------------------------------------------------------------------------------------------ */
/* MQTT 3.1.1                                                                                  */
/* ------------------------------------------------------------------------------------------ */

const V311: Fixture[] = [
  {
    name: 'CONNECT 3.1.1, minimal: clean session, keep alive 60, client id "test"',
    version: 4,
    hex: bytes(
      ['10', 'CONNECT, flags 0000'],
      ['10', 'remaining length 16 = 10 variable header + 6 payload'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['04', 'protocol level 4 (3.1.1)'],
      ['02', 'connect flags: Clean Session'],
      ['00 3c', 'keep alive 60 s'],
      ['00 04', 'client id length 4'],
      ['74 65 73 74', '"test"'],
    ),
    packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'test' },
  },
  {
    name: 'CONNECT 3.1.1 with a retained QoS 1 will',
    version: 4,
    hex: bytes(
      ['10', 'CONNECT'],
      ['17', 'remaining length 23 = 10 + 3 + 5 + 5'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['04', 'protocol level 4'],
      ['2c', 'connect flags 0010 1100: Will Retain, Will QoS 1, Will Flag; Clean Session 0'],
      ['00 00', 'keep alive 0 (off)'],
      ['00 01', 'client id length 1'],
      ['63', '"c"'],
      ['00 03', 'will topic length 3'],
      ['77 2f 74', '"w/t"'],
      ['00 03', 'will payload length 3'],
      ['62 79 65', '"bye"'],
    ),
    packet: {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 0, clientId: 'c',
      will: { topic: 'w/t', payload: utf8('bye'), qos: 1, retain: true },
    },
  },
  {
    name: 'CONNECT 3.1.1 with user name and password',
    version: 4,
    hex: bytes(
      ['10', 'CONNECT'],
      ['15', 'remaining length 21 = 10 + 4 + 3 + 4'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['04', 'protocol level 4'],
      ['c2', 'connect flags 1100 0010: User Name, Password, Clean Session'],
      ['00 1e', 'keep alive 30 s'],
      ['00 02', 'client id length 2'],
      ['69 64', '"id"'],
      ['00 01', 'user name length 1'],
      ['75', '"u"'],
      ['00 02', 'password length 2'],
      ['70 77', '"pw"'],
    ),
    packet: {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 30, clientId: 'id',
      username: 'u', password: utf8('pw'),
    },
  },
  {
    name: 'CONNECT 3.1.1 with a QoS 2 will with an empty message and a user name only',
    version: 4,
    hex: bytes(
      ['10', 'CONNECT'],
      ['16', 'remaining length 22 = 10 + 3 + 3 + 2 + 4'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['04', 'protocol level 4'],
      ['94', 'connect flags 1001 0100: User Name, Will QoS 2, Will Flag'],
      ['00 0a', 'keep alive 10 s'],
      ['00 01', 'client id length 1'],
      ['78', '"x"'],
      ['00 01', 'will topic length 1'],
      ['61', '"a"'],
      ['00 00', 'will payload length 0'],
      ['00 02', 'user name length 2'],
      ['6d 65', '"me"'],
    ),
    packet: {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 10, clientId: 'x',
      will: { topic: 'a', payload: raw(), qos: 2, retain: false }, username: 'me',
    },
  },
  {
    name: 'CONNACK 3.1.1 accepted with Session Present',
    version: 4,
    hex: bytes(['20', 'CONNACK'], ['02', 'remaining length 2'], ['01', 'acknowledge flags: Session Present'], ['00', 'return code 0 Connection Accepted']),
    packet: { type: 'CONNACK', sessionPresent: true, reasonCode: 0 },
  },
  {
    name: 'CONNACK 3.1.1 refused: unacceptable protocol version',
    version: 4,
    hex: bytes(['20', 'CONNACK'], ['02', 'remaining length 2'], ['00', 'acknowledge flags 0'], ['01', 'return code 1 unacceptable protocol version']),
    packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 1 },
  },
  {
    name: 'CONNACK 3.1.1 refused: not authorized',
    version: 4,
    hex: bytes(['20', 'CONNACK'], ['02', 'remaining length 2'], ['00', 'acknowledge flags 0'], ['05', 'return code 5 not authorized']),
    packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 5 },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 0',
    version: 4,
    hex: bytes(
      ['30', 'PUBLISH, DUP 0, QoS 0, RETAIN 0'],
      ['07', 'remaining length 7 = 5 topic + 2 payload'],
      ['00 03', 'topic length 3'],
      ['61 2f 62', '"a/b"'],
      ['68 69', 'payload "hi"'],
    ),
    packet: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'a/b', payload: utf8('hi') },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 1 retained',
    version: 4,
    hex: bytes(
      ['33', 'PUBLISH, QoS 1 (0x02), RETAIN (0x01)'],
      ['06', 'remaining length 6 = 3 + 2 + 1'],
      ['00 01', 'topic length 1'],
      ['74', '"t"'],
      ['00 01', 'packet id 1'],
      ['78', 'payload "x"'],
    ),
    packet: { type: 'PUBLISH', dup: false, qos: 1, retain: true, topic: 't', packetId: 1, payload: utf8('x') },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 2 re-delivery (DUP)',
    version: 4,
    hex: bytes(
      ['3c', 'PUBLISH, DUP (0x08), QoS 2 (0x04)'],
      ['0a', 'remaining length 10 = 5 + 2 + 3'],
      ['00 03', 'topic length 3'],
      ['61 2f 62', '"a/b"'],
      ['12 34', 'packet id 0x1234'],
      ['01 02 03', 'payload, three binary bytes'],
    ),
    packet: { type: 'PUBLISH', dup: true, qos: 2, retain: false, topic: 'a/b', packetId: 0x1234, payload: raw(1, 2, 3) },
  },
  {
    name: 'PUBLISH 3.1.1 retained with an empty payload (clears the retained message)',
    version: 4,
    hex: bytes(['31', 'PUBLISH, QoS 0, RETAIN'], ['05', 'remaining length 5'], ['00 03', 'topic length 3'], ['61 2f 62', '"a/b"']),
    packet: { type: 'PUBLISH', dup: false, qos: 0, retain: true, topic: 'a/b', payload: raw() },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 1 to the UTF-8 topic 温度/传感器',
    version: 4,
    hex: bytes(
      ['32', 'PUBLISH, QoS 1'],
      ['18', 'remaining length 24 = 18 topic + 2 packet id + 4 payload'],
      ['00 10', 'topic length 16 bytes (6 characters)'],
      ['e6 b8 a9', '温 U+6E29 = 0110 111000 101001 → 1110_0110 10_111000 10_101001'],
      ['e5 ba a6', '度 U+5EA6 = 0101 111010 100110'],
      ['2f', '/'],
      ['e4 bc a0', '传 U+4F20 = 0100 111100 100000'],
      ['e6 84 9f', '感 U+611F = 0110 000100 011111'],
      ['e5 99 a8', '器 U+5668 = 0101 011001 101000'],
      ['00 07', 'packet id 7'],
      ['32 31 2e 35', 'payload "21.5"'],
    ),
    packet: { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: '温度/传感器', packetId: 7, payload: utf8('21.5') },
  },
  {
    name: 'PUBACK 3.1.1',
    version: 4,
    hex: bytes(['40', 'PUBACK'], ['02', 'remaining length 2'], ['00 01', 'packet id 1']),
    packet: { type: 'PUBACK', packetId: 1 },
  },
  {
    name: 'PUBREC 3.1.1',
    version: 4,
    hex: bytes(['50', 'PUBREC'], ['02', 'remaining length 2'], ['00 02', 'packet id 2']),
    packet: { type: 'PUBREC', packetId: 2 },
  },
  {
    name: 'PUBREL 3.1.1',
    version: 4,
    hex: bytes(['62', 'PUBREL, reserved flags 0010'], ['02', 'remaining length 2'], ['00 03', 'packet id 3']),
    packet: { type: 'PUBREL', packetId: 3 },
  },
  {
    name: 'PUBCOMP 3.1.1 with the largest packet id',
    version: 4,
    hex: bytes(['70', 'PUBCOMP'], ['02', 'remaining length 2'], ['ff ff', 'packet id 65535']),
    packet: { type: 'PUBCOMP', packetId: 0xffff },
  },
  {
    name: 'SUBSCRIBE 3.1.1 with three filters',
    version: 4,
    hex: bytes(
      ['82', 'SUBSCRIBE, reserved flags 0010'],
      ['12', 'remaining length 18 = 2 + 6 + 6 + 4'],
      ['00 0a', 'packet id 10'],
      ['00 03', 'filter length 3'],
      ['61 2f 2b', '"a/+"'],
      ['00', 'requested QoS 0'],
      ['00 03', 'filter length 3'],
      ['62 2f 23', '"b/#"'],
      ['01', 'requested QoS 1'],
      ['00 01', 'filter length 1'],
      ['63', '"c"'],
      ['02', 'requested QoS 2'],
    ),
    packet: {
      type: 'SUBSCRIBE', packetId: 10,
      subscriptions: [{ topicFilter: 'a/+', qos: 0 }, { topicFilter: 'b/#', qos: 1 }, { topicFilter: 'c', qos: 2 }],
    },
  },
  {
    name: 'SUBACK 3.1.1 granting QoS 0, 1, 2 and one failure',
    version: 4,
    hex: bytes(
      ['90', 'SUBACK'],
      ['06', 'remaining length 6'],
      ['00 0a', 'packet id 10'],
      ['00', 'granted QoS 0'],
      ['01', 'granted QoS 1'],
      ['02', 'granted QoS 2'],
      ['80', 'failure'],
    ),
    packet: { type: 'SUBACK', packetId: 10, reasonCodes: [0, 1, 2, 0x80] },
  },
  {
    name: 'UNSUBSCRIBE 3.1.1 with two filters',
    version: 4,
    hex: bytes(
      ['a2', 'UNSUBSCRIBE, reserved flags 0010'],
      ['0a', 'remaining length 10 = 2 + 5 + 3'],
      ['00 0b', 'packet id 11'],
      ['00 03', 'filter length 3'],
      ['61 2f 2b', '"a/+"'],
      ['00 01', 'filter length 1'],
      ['63', '"c"'],
    ),
    packet: { type: 'UNSUBSCRIBE', packetId: 11, topicFilters: ['a/+', 'c'] },
  },
  {
    name: 'UNSUBACK 3.1.1',
    version: 4,
    hex: bytes(['b0', 'UNSUBACK'], ['02', 'remaining length 2'], ['00 0b', 'packet id 11']),
    packet: { type: 'UNSUBACK', packetId: 11 },
  },
  { name: 'PINGREQ 3.1.1', version: 4, hex: bytes(['c0', 'PINGREQ'], ['00', 'remaining length 0']), packet: { type: 'PINGREQ' } },
  { name: 'PINGRESP 3.1.1', version: 4, hex: bytes(['d0', 'PINGRESP'], ['00', 'remaining length 0']), packet: { type: 'PINGRESP' } },
  { name: 'DISCONNECT 3.1.1', version: 4, hex: bytes(['e0', 'DISCONNECT'], ['00', 'remaining length 0']), packet: { type: 'DISCONNECT' } },
];

/* ------------------------------------------------------------------------------------------ */
/* MQTT 3.1                                                                                    */
/* ------------------------------------------------------------------------------------------ */

const V31: Fixture[] = [
  {
    name: 'CONNECT 3.1 ("MQIsdp", level 3), minimal',
    version: 3,
    hex: bytes(
      ['10', 'CONNECT'],
      ['11', 'remaining length 17 = 12 variable header + 5 payload'],
      ['00 06', 'protocol name length 6'],
      ['4d 51 49 73 64 70', '"MQIsdp"'],
      ['03', 'protocol level 3 (3.1)'],
      ['02', 'connect flags: Clean Session'],
      ['00 0a', 'keep alive 10 s'],
      ['00 03', 'client id length 3'],
      ['6f 6c 64', '"old"'],
    ),
    packet: { type: 'CONNECT', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: true, keepAlive: 10, clientId: 'old' },
  },
  {
    name: 'CONNECT 3.1 with a will, user name and password',
    version: 3,
    hex: bytes(
      ['10', 'CONNECT'],
      ['1b', 'remaining length 27 = 12 + 3 + 3 + 3 + 3 + 3'],
      ['00 06', 'protocol name length 6'],
      ['4d 51 49 73 64 70', '"MQIsdp"'],
      ['03', 'protocol level 3'],
      ['c6', 'connect flags 1100 0110: User Name, Password, Will Flag (QoS 0), Clean Session'],
      ['00 3c', 'keep alive 60 s'],
      ['00 01', 'client id length 1'],
      ['63', '"c"'],
      ['00 01', 'will topic length 1'],
      ['77', '"w"'],
      ['00 01', 'will message length 1'],
      ['78', '"x"'],
      ['00 01', 'user name length 1'],
      ['75', '"u"'],
      ['00 01', 'password length 1'],
      ['70', '"p"'],
    ),
    packet: {
      type: 'CONNECT', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: true, keepAlive: 60, clientId: 'c',
      will: { topic: 'w', payload: utf8('x'), qos: 0, retain: false }, username: 'u', password: utf8('p'),
    },
  },
  {
    name: 'CONNACK 3.1 accepted',
    version: 3,
    hex: bytes(['20', 'CONNACK'], ['02', 'remaining length 2'], ['00', 'reserved byte (3.1 has no Session Present)'], ['00', 'return code 0 accepted']),
    packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 0 },
  },
  {
    name: 'CONNACK 3.1 refused: identifier rejected',
    version: 3,
    hex: bytes(['20', 'CONNACK'], ['02', 'remaining length 2'], ['00', 'reserved byte'], ['02', 'return code 2 identifier rejected']),
    packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 2 },
  },
  {
    name: 'PUBLISH 3.1 QoS 0 with an empty payload',
    version: 3,
    hex: bytes(['30', 'PUBLISH, QoS 0'], ['05', 'remaining length 5'], ['00 03', 'topic length 3'], ['61 2f 62', '"a/b"']),
    packet: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'a/b', payload: raw() },
  },
  {
    name: 'PUBLISH 3.1 QoS 1',
    version: 3,
    hex: bytes(['32', 'PUBLISH, QoS 1'], ['08', 'remaining length 8 = 5 + 2 + 1'], ['00 03', 'topic length 3'], ['61 2f 62', '"a/b"'], ['00 01', 'packet id 1'], ['78', 'payload "x"']),
    packet: { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'a/b', packetId: 1, payload: utf8('x') },
  },
  {
    name: 'PUBLISH 3.1 QoS 2 retained',
    version: 3,
    hex: bytes(['35', 'PUBLISH, QoS 2, RETAIN'], ['07', 'remaining length 7 = 5 + 2'], ['00 03', 'topic length 3'], ['61 2f 62', '"a/b"'], ['00 02', 'packet id 2']),
    packet: { type: 'PUBLISH', dup: false, qos: 2, retain: true, topic: 'a/b', packetId: 2, payload: raw() },
  },
  { name: 'PUBACK 3.1', version: 3, hex: bytes(['40', 'PUBACK'], ['02', 'remaining length 2'], ['00 01', 'packet id 1']), packet: { type: 'PUBACK', packetId: 1 } },
  { name: 'PUBREC 3.1', version: 3, hex: bytes(['50', 'PUBREC'], ['02', 'remaining length 2'], ['00 02', 'packet id 2']), packet: { type: 'PUBREC', packetId: 2 } },
  { name: 'PUBREL 3.1', version: 3, hex: bytes(['62', 'PUBREL, flags 0010 (QoS 1)'], ['02', 'remaining length 2'], ['00 02', 'packet id 2']), packet: { type: 'PUBREL', packetId: 2 } },
  { name: 'PUBCOMP 3.1', version: 3, hex: bytes(['70', 'PUBCOMP'], ['02', 'remaining length 2'], ['00 02', 'packet id 2']), packet: { type: 'PUBCOMP', packetId: 2 } },
  {
    name: 'SUBSCRIBE 3.1 to "#"',
    version: 3,
    hex: bytes(['82', 'SUBSCRIBE, flags 0010'], ['06', 'remaining length 6 = 2 + 4'], ['00 01', 'packet id 1'], ['00 01', 'filter length 1'], ['23', '"#"'], ['00', 'requested QoS 0']),
    packet: { type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 0 }] },
  },
  {
    name: 'SUBACK 3.1',
    version: 3,
    hex: bytes(['90', 'SUBACK'], ['03', 'remaining length 3'], ['00 01', 'packet id 1'], ['00', 'granted QoS 0']),
    packet: { type: 'SUBACK', packetId: 1, reasonCodes: [0] },
  },
  {
    name: 'UNSUBSCRIBE 3.1',
    version: 3,
    hex: bytes(['a2', 'UNSUBSCRIBE, flags 0010'], ['05', 'remaining length 5 = 2 + 3'], ['00 01', 'packet id 1'], ['00 01', 'filter length 1'], ['23', '"#"']),
    packet: { type: 'UNSUBSCRIBE', packetId: 1, topicFilters: ['#'] },
  },
  { name: 'UNSUBACK 3.1', version: 3, hex: bytes(['b0', 'UNSUBACK'], ['02', 'remaining length 2'], ['00 01', 'packet id 1']), packet: { type: 'UNSUBACK', packetId: 1 } },
  { name: 'PINGREQ 3.1', version: 3, hex: bytes(['c0', 'PINGREQ'], ['00', 'remaining length 0']), packet: { type: 'PINGREQ' } },
  { name: 'PINGRESP 3.1', version: 3, hex: bytes(['d0', 'PINGRESP'], ['00', 'remaining length 0']), packet: { type: 'PINGRESP' } },
  { name: 'DISCONNECT 3.1', version: 3, hex: bytes(['e0', 'DISCONNECT'], ['00', 'remaining length 0']), packet: { type: 'DISCONNECT' } },
];

/* ------------------------------------------------------------------------------------------ */
/* MQTT 5.0                                                                                    */
/* ------------------------------------------------------------------------------------------ */

const V5: Fixture[] = [
  {
    name: 'CONNECT 5.0 with properties, will properties, user name and password',
    version: 5,
    hex: bytes(
      ['10', 'CONNECT'],
      ['8c 01', 'remaining length 140 = 12 + 128×1: 10 + 37 + 7 + 49 + 14 + 9 + 6 + 8'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['05', 'protocol level 5'],
      ['ce', 'connect flags 1100 1110: User Name, Password, Will QoS 1, Will Flag, Clean Start'],
      ['00 1e', 'keep alive 30 s'],
      ['24', 'property length 36'],
      ['11 00 00 0e 10', 'Session Expiry Interval 3600'],
      ['21 00 14', 'Receive Maximum 20'],
      ['27 00 00 04 00', 'Maximum Packet Size 1024'],
      ['22 00 0a', 'Topic Alias Maximum 10'],
      ['19 01', 'Request Response Information 1'],
      ['17 00', 'Request Problem Information 0'],
      ['26 00 01 6b 00 01 76', 'User Property "k" = "v"'],
      ['15 00 01 6d', 'Authentication Method "m"'],
      ['16 00 02 01 02', 'Authentication Data 01 02'],
      ['00 05', 'client id length 5'],
      ['64 65 76 2d 31', '"dev-1"'],
      ['30', 'will property length 48'],
      ['18 00 00 00 05', 'Will Delay Interval 5'],
      ['01 01', 'Payload Format Indicator 1 (UTF-8)'],
      ['02 00 00 00 3c', 'Message Expiry Interval 60'],
      ['03 00 0a 74 65 78 74 2f 70 6c 61 69 6e', 'Content Type "text/plain"'],
      ['08 00 01 72', 'Response Topic "r"'],
      ['09 00 02 0a 0b', 'Correlation Data 0a 0b'],
      ['26 00 01 61 00 01 31', 'User Property "a" = "1"'],
      ['26 00 01 61 00 01 32', 'User Property "a" = "2" (same name again, kept in order)'],
      ['00 0c', 'will topic length 12'],
      ['73 74 61 74 75 73 2f 64 65 76 2d 31', '"status/dev-1"'],
      ['00 07', 'will payload length 7'],
      ['6f 66 66 6c 69 6e 65', '"offline"'],
      ['00 04', 'user name length 4'],
      ['75 73 65 72', '"user"'],
      ['00 06', 'password length 6'],
      ['73 65 63 72 65 74', '"secret"'],
    ),
    packet: {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 30,
      properties: {
        sessionExpiryInterval: 3600, receiveMaximum: 20, maximumPacketSize: 1024, topicAliasMaximum: 10,
        requestResponseInformation: 1, requestProblemInformation: 0, userProperties: [['k', 'v']],
        authenticationMethod: 'm', authenticationData: raw(1, 2),
      },
      clientId: 'dev-1',
      will: {
        topic: 'status/dev-1', payload: utf8('offline'), qos: 1, retain: false,
        properties: {
          willDelayInterval: 5, payloadFormatIndicator: 1, messageExpiryInterval: 60, contentType: 'text/plain',
          responseTopic: 'r', correlationData: raw(0x0a, 0x0b), userProperties: [['a', '1'], ['a', '2']],
        },
      },
      username: 'user', password: utf8('secret'),
    },
  },
  {
    name: 'CONNECT 5.0 minimal with an empty client id',
    version: 5,
    hex: bytes(
      ['10', 'CONNECT'],
      ['0d', 'remaining length 13 = 10 + 1 + 2'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['05', 'protocol level 5'],
      ['02', 'connect flags: Clean Start'],
      ['00 3c', 'keep alive 60 s'],
      ['00', 'property length 0'],
      ['00 00', 'client id length 0 (the server assigns one)'],
    ),
    packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: '', properties: {} },
  },
  {
    name: 'CONNECT 5.0 with a password but no user name (allowed since 5.0)',
    version: 5,
    hex: bytes(
      ['10', 'CONNECT'],
      ['11', 'remaining length 17 = 10 + 1 + 3 + 3'],
      ['00 04', 'protocol name length 4'],
      ['4d 51 54 54', '"MQTT"'],
      ['05', 'protocol level 5'],
      ['42', 'connect flags 0100 0010: Password, Clean Start'],
      ['00 00', 'keep alive 0'],
      ['00', 'property length 0'],
      ['00 01', 'client id length 1'],
      ['70', '"p"'],
      ['00 01', 'password length 1'],
      ['78', '"x"'],
    ),
    packet: { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId: 'p', properties: {}, password: utf8('x') },
  },
  {
    name: 'CONNACK 5.0 with an assigned client id, a reason string and a user property',
    version: 5,
    hex: bytes(
      ['20', 'CONNACK'],
      ['18', 'remaining length 24 = 2 + 1 + 21'],
      ['00', 'acknowledge flags 0'],
      ['00', 'reason code 0x00 Success'],
      ['15', 'property length 21'],
      ['12 00 06 61 75 74 6f 2d 31', 'Assigned Client Identifier "auto-1"'],
      ['1f 00 02 6f 6b', 'Reason String "ok"'],
      ['26 00 01 78 00 01 79', 'User Property "x" = "y"'],
    ),
    packet: {
      type: 'CONNACK', sessionPresent: false, reasonCode: 0,
      properties: { assignedClientIdentifier: 'auto-1', reasonString: 'ok', userProperties: [['x', 'y']] },
    },
  },
  {
    name: 'CONNACK 5.0 with Session Present and the server\'s capabilities',
    version: 5,
    hex: bytes(
      ['20', 'CONNACK'],
      ['2d', 'remaining length 45 = 2 + 1 + 42'],
      ['01', 'acknowledge flags: Session Present'],
      ['00', 'reason code 0x00 Success'],
      ['2a', 'property length 42'],
      ['21 00 64', 'Receive Maximum 100'],
      ['24 01', 'Maximum QoS 1'],
      ['25 00', 'Retain Available 0'],
      ['27 00 01 00 00', 'Maximum Packet Size 65536'],
      ['22 00 05', 'Topic Alias Maximum 5'],
      ['28 01', 'Wildcard Subscription Available 1'],
      ['29 00', 'Subscription Identifier Available 0'],
      ['2a 01', 'Shared Subscription Available 1'],
      ['13 00 78', 'Server Keep Alive 120'],
      ['1a 00 05 72 65 73 70 2f', 'Response Information "resp/"'],
      ['1c 00 02 73 32', 'Server Reference "s2"'],
      ['11 ff ff ff ff', 'Session Expiry Interval 0xFFFFFFFF (never expires)'],
    ),
    packet: {
      type: 'CONNACK', sessionPresent: true, reasonCode: 0,
      properties: {
        receiveMaximum: 100, maximumQoS: 1, retainAvailable: 0, maximumPacketSize: 65536, topicAliasMaximum: 5,
        wildcardSubscriptionAvailable: 1, subscriptionIdentifiersAvailable: 0, sharedSubscriptionAvailable: 1,
        serverKeepAlive: 120, responseInformation: 'resp/', serverReference: 's2', sessionExpiryInterval: 0xffff_ffff,
      },
    },
  },
  {
    name: 'CONNACK 5.0 refused: Not authorized',
    version: 5,
    hex: bytes(['20', 'CONNACK'], ['03', 'remaining length 3'], ['00', 'acknowledge flags 0'], ['87', 'reason code 0x87 Not authorized'], ['00', 'property length 0']),
    packet: { type: 'CONNACK', sessionPresent: false, reasonCode: 0x87, properties: {} },
  },
  {
    name: 'PUBLISH 5.0 QoS 0 without properties',
    version: 5,
    hex: bytes(['30', 'PUBLISH, QoS 0'], ['08', 'remaining length 8 = 5 + 1 + 2'], ['00 03', 'topic length 3'], ['61 2f 62', '"a/b"'], ['00', 'property length 0'], ['68 69', 'payload "hi"']),
    packet: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'a/b', payload: utf8('hi'), properties: {} },
  },
  {
    name: 'PUBLISH 5.0 QoS 1 with every PUBLISH property',
    version: 5,
    hex: bytes(
      ['32', 'PUBLISH, QoS 1'],
      ['52', 'remaining length 82 = 5 topic + 2 packet id + 1 + 72 properties + 2 payload'],
      ['00 03', 'topic length 3'],
      ['61 2f 62', '"a/b"'],
      ['01 02', 'packet id 0x0102'],
      ['48', 'property length 72'],
      ['01 01', 'Payload Format Indicator 1 (UTF-8)'],
      ['02 00 00 0e 10', 'Message Expiry Interval 3600'],
      ['03 00 10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e', 'Content Type "application/json" (16 bytes)'],
      ['08 00 06 72 65 73 70 2f 61', 'Response Topic "resp/a"'],
      ['09 00 04 de ad be ef', 'Correlation Data de ad be ef'],
      ['0b 01', 'Subscription Identifier 1'],
      ['0b c8 01', 'Subscription Identifier 200 = 72 + 1×128 → c8 01'],
      ['0b 80 80 01', 'Subscription Identifier 16384 = 1×128² → 80 80 01'],
      ['26 00 01 6b 00 01 31', 'User Property "k" = "1"'],
      ['26 00 01 6b 00 01 32', 'User Property "k" = "2" (duplicate name, kept in order)'],
      ['26 00 01 61 00 01 33', 'User Property "a" = "3"'],
      ['7b 7d', 'payload "{}"'],
    ),
    packet: {
      type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'a/b', packetId: 0x0102, payload: utf8('{}'),
      properties: {
        payloadFormatIndicator: 1, messageExpiryInterval: 3600, contentType: 'application/json', responseTopic: 'resp/a',
        correlationData: raw(0xde, 0xad, 0xbe, 0xef), subscriptionIdentifiers: [1, 200, 16384],
        userProperties: [['k', '1'], ['k', '2'], ['a', '3']],
      },
    },
  },
  {
    name: 'PUBLISH 5.0 with an empty topic standing in for Topic Alias 3',
    version: 5,
    hex: bytes(['30', 'PUBLISH, QoS 0'], ['07', 'remaining length 7 = 2 + 1 + 3 + 1'], ['00 00', 'topic length 0'], ['03', 'property length 3'], ['23 00 03', 'Topic Alias 3'], ['78', 'payload "x"']),
    packet: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: '', payload: utf8('x'), properties: { topicAlias: 3 } },
  },
  {
    name: 'PUBLISH 5.0 QoS 2 retained, setting up Topic Alias 1, with an empty payload',
    version: 5,
    hex: bytes(['35', 'PUBLISH, QoS 2, RETAIN'], ['09', 'remaining length 9 = 3 + 2 + 1 + 3'], ['00 01', 'topic length 1'], ['61', '"a"'], ['00 09', 'packet id 9'], ['03', 'property length 3'], ['23 00 01', 'Topic Alias 1']),
    packet: { type: 'PUBLISH', dup: false, qos: 2, retain: true, topic: 'a', packetId: 9, payload: raw(), properties: { topicAlias: 1 } },
  },
  {
    name: 'PUBLISH 5.0 QoS 1 re-delivery (DUP) to the UTF-8 topic 温度/传感器',
    version: 5,
    hex: bytes(
      ['3a', 'PUBLISH, DUP, QoS 1'],
      ['15', 'remaining length 21 = 18 + 2 + 1'],
      ['00 10', 'topic length 16'],
      ['e6 b8 a9 e5 ba a6', '温度'],
      ['2f', '/'],
      ['e4 bc a0 e6 84 9f e5 99 a8', '传感器'],
      ['00 08', 'packet id 8'],
      ['00', 'property length 0'],
    ),
    packet: { type: 'PUBLISH', dup: true, qos: 1, retain: false, topic: '温度/传感器', packetId: 8, payload: raw(), properties: {} },
  },
  // PUBACK, PUBREC, PUBREL, PUBCOMP: short form (remaining length 2), reason code only (3), reason code + properties.
  { name: 'PUBACK 5.0 short form', version: 5, hex: bytes(['40', 'PUBACK'], ['02', 'remaining length 2: Success, no properties'], ['00 01', 'packet id 1']), packet: { type: 'PUBACK', packetId: 1 } },
  {
    name: 'PUBACK 5.0 with a reason code only',
    version: 5,
    hex: bytes(['40', 'PUBACK'], ['03', 'remaining length 3'], ['00 01', 'packet id 1'], ['10', 'reason code 0x10 No matching subscribers']),
    packet: { type: 'PUBACK', packetId: 1, reasonCode: 0x10 },
  },
  {
    name: 'PUBACK 5.0 with Success and an empty property block',
    version: 5,
    hex: bytes(['40', 'PUBACK'], ['04', 'remaining length 4'], ['00 01', 'packet id 1'], ['00', 'reason code 0x00 Success'], ['00', 'property length 0']),
    packet: { type: 'PUBACK', packetId: 1, reasonCode: 0, properties: {} },
  },
  {
    name: 'PUBACK 5.0 with a reason code and properties',
    version: 5,
    hex: bytes(
      ['40', 'PUBACK'],
      ['10', 'remaining length 16 = 2 + 1 + 1 + 12'],
      ['00 01', 'packet id 1'],
      ['87', 'reason code 0x87 Not authorized'],
      ['0c', 'property length 12'],
      ['1f 00 02 6e 6f', 'Reason String "no"'],
      ['26 00 01 61 00 01 62', 'User Property "a" = "b"'],
    ),
    packet: { type: 'PUBACK', packetId: 1, reasonCode: 0x87, properties: { reasonString: 'no', userProperties: [['a', 'b']] } },
  },
  { name: 'PUBREC 5.0 short form', version: 5, hex: bytes(['50', 'PUBREC'], ['02', 'remaining length 2'], ['00 02', 'packet id 2']), packet: { type: 'PUBREC', packetId: 2 } },
  {
    name: 'PUBREC 5.0 with a reason code only',
    version: 5,
    hex: bytes(['50', 'PUBREC'], ['03', 'remaining length 3'], ['00 02', 'packet id 2'], ['10', 'reason code 0x10 No matching subscribers']),
    packet: { type: 'PUBREC', packetId: 2, reasonCode: 0x10 },
  },
  {
    name: 'PUBREC 5.0 with a reason code and a reason string',
    version: 5,
    hex: bytes(['50', 'PUBREC'], ['0a', 'remaining length 10 = 2 + 1 + 1 + 6'], ['00 02', 'packet id 2'], ['80', 'reason code 0x80 Unspecified error'], ['06', 'property length 6'], ['1f 00 03 65 72 72', 'Reason String "err"']),
    packet: { type: 'PUBREC', packetId: 2, reasonCode: 0x80, properties: { reasonString: 'err' } },
  },
  { name: 'PUBREL 5.0 short form', version: 5, hex: bytes(['62', 'PUBREL, flags 0010'], ['02', 'remaining length 2'], ['00 03', 'packet id 3']), packet: { type: 'PUBREL', packetId: 3 } },
  {
    name: 'PUBREL 5.0 with a reason code only',
    version: 5,
    hex: bytes(['62', 'PUBREL'], ['03', 'remaining length 3'], ['00 03', 'packet id 3'], ['92', 'reason code 0x92 Packet Identifier not found']),
    packet: { type: 'PUBREL', packetId: 3, reasonCode: 0x92 },
  },
  {
    name: 'PUBREL 5.0 with Success and a user property',
    version: 5,
    hex: bytes(['62', 'PUBREL'], ['0b', 'remaining length 11 = 2 + 1 + 1 + 7'], ['00 03', 'packet id 3'], ['00', 'reason code 0x00 Success'], ['07', 'property length 7'], ['26 00 01 74 00 01 31', 'User Property "t" = "1"']),
    packet: { type: 'PUBREL', packetId: 3, reasonCode: 0, properties: { userProperties: [['t', '1']] } },
  },
  { name: 'PUBCOMP 5.0 short form', version: 5, hex: bytes(['70', 'PUBCOMP'], ['02', 'remaining length 2'], ['00 04', 'packet id 4']), packet: { type: 'PUBCOMP', packetId: 4 } },
  {
    name: 'PUBCOMP 5.0 with a reason code only',
    version: 5,
    hex: bytes(['70', 'PUBCOMP'], ['03', 'remaining length 3'], ['00 04', 'packet id 4'], ['92', 'reason code 0x92 Packet Identifier not found']),
    packet: { type: 'PUBCOMP', packetId: 4, reasonCode: 0x92 },
  },
  {
    name: 'PUBCOMP 5.0 with a reason code and a reason string',
    version: 5,
    hex: bytes(['70', 'PUBCOMP'], ['08', 'remaining length 8 = 2 + 1 + 1 + 4'], ['00 04', 'packet id 4'], ['92', 'reason code 0x92'], ['04', 'property length 4'], ['1f 00 01 78', 'Reason String "x"']),
    packet: { type: 'PUBCOMP', packetId: 4, reasonCode: 0x92, properties: { reasonString: 'x' } },
  },
  {
    name: 'SUBSCRIBE 5.0 with a subscription identifier and every subscription option',
    version: 5,
    hex: bytes(
      ['82', 'SUBSCRIBE, flags 0010'],
      ['22', 'remaining length 34 = 2 + 3 + 6 + 6 + 4 + 13'],
      ['00 01', 'packet id 1'],
      ['02', 'property length 2'],
      ['0b 2a', 'Subscription Identifier 42'],
      ['00 03 61 2f 2b', 'filter "a/+"'],
      ['05', 'options 0000 0101: No Local, QoS 1'],
      ['00 03 62 2f 23', 'filter "b/#"'],
      ['1a', 'options 0001 1010: Retain Handling 1, Retain As Published, QoS 2'],
      ['00 01 63', 'filter "c"'],
      ['20', 'options 0010 0000: Retain Handling 2, QoS 0'],
      ['00 0a 24 73 68 61 72 65 2f 67 2f 64', 'filter "$share/g/d" (10 bytes)'],
      ['00', 'options 0: QoS 0'],
    ),
    packet: {
      type: 'SUBSCRIBE', packetId: 1, properties: { subscriptionIdentifiers: [42] },
      subscriptions: [
        { topicFilter: 'a/+', qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 0 },
        { topicFilter: 'b/#', qos: 2, noLocal: false, retainAsPublished: true, retainHandling: 1 },
        { topicFilter: 'c', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 2 },
        { topicFilter: '$share/g/d', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 },
      ],
    },
  },
  {
    name: 'SUBSCRIBE 5.0 without properties',
    version: 5,
    hex: bytes(['82', 'SUBSCRIBE'], ['07', 'remaining length 7 = 2 + 1 + 4'], ['00 02', 'packet id 2'], ['00', 'property length 0'], ['00 01 78', 'filter "x"'], ['00', 'options 0']),
    packet: { type: 'SUBSCRIBE', packetId: 2, properties: {}, subscriptions: [{ topicFilter: 'x', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] },
  },
  {
    name: 'SUBACK 5.0 with granted QoS and failure reason codes and a reason string',
    version: 5,
    hex: bytes(
      ['90', 'SUBACK'],
      ['0d', 'remaining length 13 = 2 + 1 + 4 + 6'],
      ['00 01', 'packet id 1'],
      ['04', 'property length 4'],
      ['1f 00 01 72', 'Reason String "r"'],
      ['01', 'Granted QoS 1'],
      ['02', 'Granted QoS 2'],
      ['00', 'Granted QoS 0'],
      ['9e', '0x9E Shared Subscriptions not supported'],
      ['87', '0x87 Not authorized'],
      ['a2', '0xA2 Wildcard Subscriptions not supported'],
    ),
    packet: { type: 'SUBACK', packetId: 1, properties: { reasonString: 'r' }, reasonCodes: [1, 2, 0, 0x9e, 0x87, 0xa2] },
  },
  {
    name: 'SUBACK 5.0 without properties',
    version: 5,
    hex: bytes(['90', 'SUBACK'], ['04', 'remaining length 4'], ['00 02', 'packet id 2'], ['00', 'property length 0'], ['00', 'Granted QoS 0']),
    packet: { type: 'SUBACK', packetId: 2, properties: {}, reasonCodes: [0] },
  },
  {
    name: 'UNSUBSCRIBE 5.0 with a user property',
    version: 5,
    hex: bytes(
      ['a2', 'UNSUBSCRIBE, flags 0010'],
      ['1b', 'remaining length 27 = 2 + 1 + 7 + 5 + 12'],
      ['00 03', 'packet id 3'],
      ['07', 'property length 7'],
      ['26 00 01 6b 00 01 76', 'User Property "k" = "v"'],
      ['00 03 61 2f 2b', 'filter "a/+"'],
      ['00 0a 24 73 68 61 72 65 2f 67 2f 64', 'filter "$share/g/d"'],
    ),
    packet: { type: 'UNSUBSCRIBE', packetId: 3, properties: { userProperties: [['k', 'v']] }, topicFilters: ['a/+', '$share/g/d'] },
  },
  {
    name: 'UNSUBACK 5.0 with two reason codes',
    version: 5,
    hex: bytes(['b0', 'UNSUBACK'], ['05', 'remaining length 5'], ['00 03', 'packet id 3'], ['00', 'property length 0'], ['00', '0x00 Success'], ['11', '0x11 No subscription existed']),
    packet: { type: 'UNSUBACK', packetId: 3, properties: {}, reasonCodes: [0, 0x11] },
  },
  {
    name: 'UNSUBACK 5.0 with failure codes and a reason string',
    version: 5,
    hex: bytes(
      ['b0', 'UNSUBACK'],
      ['0d', 'remaining length 13 = 2 + 1 + 5 + 5'],
      ['00 04', 'packet id 4'],
      ['05', 'property length 5'],
      ['1f 00 02 6e 6f', 'Reason String "no"'],
      ['80', '0x80 Unspecified error'],
      ['87', '0x87 Not authorized'],
      ['8f', '0x8F Topic Filter invalid'],
      ['91', '0x91 Packet Identifier in use'],
      ['83', '0x83 Implementation specific error'],
    ),
    packet: { type: 'UNSUBACK', packetId: 4, properties: { reasonString: 'no' }, reasonCodes: [0x80, 0x87, 0x8f, 0x91, 0x83] },
  },
  { name: 'PINGREQ 5.0', version: 5, hex: bytes(['c0', 'PINGREQ'], ['00', 'remaining length 0']), packet: { type: 'PINGREQ' } },
  { name: 'PINGRESP 5.0', version: 5, hex: bytes(['d0', 'PINGRESP'], ['00', 'remaining length 0']), packet: { type: 'PINGRESP' } },
  { name: 'DISCONNECT 5.0 short form', version: 5, hex: bytes(['e0', 'DISCONNECT'], ['00', 'remaining length 0: Normal disconnection']), packet: { type: 'DISCONNECT' } },
  {
    name: 'DISCONNECT 5.0 with a reason code only',
    version: 5,
    hex: bytes(['e0', 'DISCONNECT'], ['01', 'remaining length 1'], ['8e', 'reason code 0x8E Session taken over']),
    packet: { type: 'DISCONNECT', reasonCode: 0x8e },
  },
  {
    name: 'DISCONNECT 5.0 with Will Message (0x04) and a session expiry interval',
    version: 5,
    hex: bytes(['e0', 'DISCONNECT'], ['07', 'remaining length 7 = 1 + 1 + 5'], ['04', 'reason code 0x04 Disconnect with Will Message'], ['05', 'property length 5'], ['11 00 00 00 3c', 'Session Expiry Interval 60']),
    packet: { type: 'DISCONNECT', reasonCode: 4, properties: { sessionExpiryInterval: 60 } },
  },
  {
    name: 'DISCONNECT 5.0 from the server pointing to another server',
    version: 5,
    hex: bytes(
      ['e0', 'DISCONNECT'],
      ['0d', 'remaining length 13 = 1 + 1 + 11'],
      ['9c', 'reason code 0x9C Use another server'],
      ['0b', 'property length 11'],
      ['1c 00 01 62', 'Server Reference "b"'],
      ['1f 00 04 6d 6f 76 65', 'Reason String "move"'],
    ),
    packet: { type: 'DISCONNECT', reasonCode: 0x9c, properties: { serverReference: 'b', reasonString: 'move' } },
  },
  { name: 'AUTH 5.0 short form', version: 5, hex: bytes(['f0', 'AUTH'], ['00', 'remaining length 0: Success, no properties']), packet: { type: 'AUTH' } },
  {
    name: 'AUTH 5.0 continuing authentication with method and data',
    version: 5,
    hex: bytes(
      ['f0', 'AUTH'],
      ['17', 'remaining length 23 = 1 + 1 + 21'],
      ['18', 'reason code 0x18 Continue authentication'],
      ['15', 'property length 21'],
      ['15 00 0b 53 43 52 41 4d 2d 53 48 41 2d 31', 'Authentication Method "SCRAM-SHA-1" (11 bytes)'],
      ['16 00 04 01 02 03 04', 'Authentication Data 01 02 03 04'],
    ),
    packet: { type: 'AUTH', reasonCode: 0x18, properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: raw(1, 2, 3, 4) } },
  },
  {
    name: 'AUTH 5.0 re-authenticating with a reason string and a user property',
    version: 5,
    hex: bytes(
      ['f0', 'AUTH'],
      ['15', 'remaining length 21 = 1 + 1 + 19'],
      ['19', 'reason code 0x19 Re-authenticate'],
      ['13', 'property length 19'],
      ['15 00 01 6d', 'Authentication Method "m"'],
      ['1f 00 05 61 67 61 69 6e', 'Reason String "again"'],
      ['26 00 01 75 00 01 76', 'User Property "u" = "v"'],
    ),
    packet: { type: 'AUTH', reasonCode: 0x19, properties: { authenticationMethod: 'm', reasonString: 'again', userProperties: [['u', 'v']] } },
  },
];

export const FIXTURES: readonly Fixture[] = [...V31, ...V311, ...V5];

export const fixturesOf = (version: ProtocolVersion): Fixture[] => FIXTURES.filter((f) => f.version === version);

/* ------------------------------------------------------------------------------------------ */
/* Helpers shared by the codec tests                                                           */
/* ------------------------------------------------------------------------------------------ */

/** Every packet type, in type-number order. */
export const ALL_TYPES = [
  'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
] as const;

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** mulberry32: a small deterministic PRNG, so "random" chunkings are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` into consecutive chunks of 1 to `max` bytes, sizes drawn from `random`. */
export function randomChunks(bytes: Uint8Array, random: () => number, max: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(random() * max);
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

export interface SpanLike { offset: number; length: number; path: string }

/**
 * Problems with how `spans` cover the bytes [start, end): every byte must be covered by exactly
 * one span; zero-length spans are allowed but must lie inside the range; spans must be in
 * ascending order. Returns an empty list when all is well.
 */
export function spanCoverageProblems(spans: readonly SpanLike[], start: number, end: number): string[] {
  const problems: string[] = [];
  const count = new Array<number>(end - start).fill(0);
  let previous = start;
  for (const span of spans) {
    if (!Number.isInteger(span.length) || span.length < 0) problems.push(`${span.path} has length ${span.length}`);
    if (span.offset < start || span.offset + span.length > end) {
      problems.push(`${span.path} [${span.offset}, ${span.offset + span.length}) lies outside the packet [${start}, ${end})`);
      continue;
    }
    if (span.offset < previous) problems.push(`${span.path} at ${span.offset} comes after a span ending at ${previous}`);
    previous = Math.max(previous, span.offset + span.length);
    for (let i = span.offset; i < span.offset + span.length; i++) count[i - start]! += 1;
  }
  count.forEach((n, i) => {
    if (n !== 1) problems.push(`byte ${start + i} is covered ${n} times`);
  });
  return problems;
}
