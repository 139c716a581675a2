/**
 * Worked examples for the hex decoder. The bytes are written out field by field and were checked
 * by hand against the specification (and, in test/widgets/hex-decoder-model.test.ts, against our
 * encoder and mqtt-packet's). They are what mosquitto_pub / MQTT.js put on the wire for the same
 * options. The 200 kB PUBLISH is generated when it is picked, not kept as a literal.
 */
import { encodePacket } from '../../mqtt/codec/index.ts';
import { toHex } from '../../input/index.ts';

export interface Example {
  id: string;
  /** Key into the label table for the example's name. */
  labelKey: string;
  /** Hex text as a user would paste it (one packet per line). */
  text: () => string;
  /** The version to decode it with, where detection cannot tell (a lone 5.0 PUBLISH also parses as 3.1.1). */
  choice?: '5.0';
}

const lines = (...rows: string[]) => rows.join('\n');

/** `mosquitto_pub -V mqttv311 -i sensor-42 -k 60 -u alice -P s3cret --will-topic devices/sensor-42/status --will-payload offline --will-qos 1 --will-retain …` */
// 10 47                        CONNECT, remaining length 71
// 00 04 4d 51 54 54 04         "MQTT", protocol level 4 (3.1.1)
// ee                           flags 1110 1110: user name, password, will retain, will QoS 01, will, clean session
// 00 3c                        keep alive 60 s
// 00 09 …                      client id "sensor-42"
// 00 18 …                      will topic "devices/sensor-42/status" (24 bytes)
// 00 07 …                      will payload "offline"
// 00 05 … / 00 06 …            user name "alice", password "s3cret"
export const CONNECT_WITH_WILL = lines(
  '10 47 00 04 4d 51 54 54 04 ee 00 3c',
  '00 09 73 65 6e 73 6f 72 2d 34 32',
  '00 18 64 65 76 69 63 65 73 2f 73 65 6e 73 6f 72 2d 34 32 2f 73 74 61 74 75 73',
  '00 07 6f 66 66 6c 69 6e 65',
  '00 05 61 6c 69 63 65',
  '00 06 73 33 63 72 65 74',
);

/** MQTT.js: `client.publish('sensors/kitchen/temperature', json, { qos: 1, properties: { payloadFormatIndicator: true, messageExpiryInterval: 300, contentType: 'application/json', userProperties: { unit: 'C' } } })` */
// 32 62: PUBLISH QoS 1, remaining length 98; topic (27 bytes); packet id 1; property length 36:
// 01 01 payload format UTF-8, 02 … message expiry 300 s, 03 … content type, 26 … user property unit=C.
export const PUBLISH_V5 = lines(
  '32 62',
  '00 1b 73 65 6e 73 6f 72 73 2f 6b 69 74 63 68 65 6e 2f 74 65 6d 70 65 72 61 74 75 72 65',
  '00 01',
  '24',
  '01 01',
  '02 00 00 01 2c',
  '03 00 10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e',
  '26 00 04 75 6e 69 74 00 01 43',
  '7b 22 63 65 6c 73 69 75 73 22 3a 32 31 2e 35 2c 22 68 75 6d 69 64 69 74 79 22 3a 34 38 7d',
);

/** A 3.1.1 session with one QoS 2 message: connect, publish exactly once, disconnect. */
export const QOS2_EXCHANGE = [
  '10 19 00 04 4d 51 54 54 04 02 00 3c 00 0d 6d 71 74 74 6a 73 5f 33 66 32 61 39 63',
  '20 02 00 00',
  '34 1b 00 10 6f 72 64 65 72 73 2f 34 32 2f 73 74 61 74 75 73 00 01 73 68 69 70 70 65 64',
  '50 02 00 01',
  '62 02 00 01',
  '70 02 00 01',
  'e0 00',
].join('\n');

/** A 5.0 session: subscribe with a subscription identifier, receive a retained message, publish through a topic alias. */
export const SESSION_V5 = [
  '10 23 00 04 4d 51 54 54 05 02 00 1e 0b 11 00 00 00 00 21 00 14 22 00 0a 00 0b 64 61 73 68 62 6f 61 72 64 2d 37',
  '20 0a 00 00 07 22 00 0a 24 01 25 01',
  '82 1d 00 01 02 0b 07 00 15 73 65 6e 73 6f 72 73 2f 2b 2f 74 65 6d 70 65 72 61 74 75 72 65 01',
  '90 04 00 01 00 01',
  '33 26 00 1b 73 65 6e 73 6f 72 73 2f 6b 69 74 63 68 65 6e 2f 74 65 6d 70 65 72 61 74 75 72 65 00 01 02 0b 07 32 31 2e 35',
  '40 02 00 01',
  '30 23 00 1b 64 61 73 68 62 6f 61 72 64 2d 37 2f 63 6f 6d 6d 61 6e 64 73 2f 6c 69 67 68 74 73 03 23 00 01 6f 6e',
  '30 09 00 00 03 23 00 01 6f 66 66',
  'c0 00',
  'd0 00',
  'e0 00',
].join('\n');

/**
 * A stream with a classic hand-rolled-client bug in the middle: a SUBSCRIBE whose flag bits are
 * 0000 instead of 0010 (0x80 instead of 0x82). Its length is intact, so decoding goes on.
 */
export const MALFORMED_STREAM = [
  '30 12 00 0c 73 65 6e 73 6f 72 73 2f 64 6f 6f 72 6f 70 65 6e',
  '80 0e 00 0a 00 09 73 65 6e 73 6f 72 73 2f 23 01',
  'c0 00',
].join('\n');

export const BIG_PUBLISH_PAYLOAD = 200_000;

/** A QoS 1 PUBLISH of a 200 000-byte firmware chunk: its remaining length takes three bytes. */
export function bigPublishBytes(): Uint8Array {
  const payload = new Uint8Array(BIG_PUBLISH_PAYLOAD);
  // Not all one value, so the grid shows something; deterministic, so links and tests agree.
  let x = 0x2545f491;
  for (let i = 0; i < payload.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    payload[i] = x & 0xff;
  }
  return encodePacket({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'firmware/sensor-42/chunk/0', packetId: 7, payload }, { protocolVersion: 4 });
}

export const EXAMPLES: ReadonlyArray<Example> = [
  { id: 'connect-will', labelKey: 'exampleConnectWill', text: () => CONNECT_WITH_WILL },
  { id: 'publish-v5', labelKey: 'examplePublishV5', text: () => PUBLISH_V5, choice: '5.0' },
  { id: 'qos2', labelKey: 'exampleQos2', text: () => QOS2_EXCHANGE },
  { id: 'session-v5', labelKey: 'exampleSessionV5', text: () => SESSION_V5 },
  { id: 'big-publish', labelKey: 'exampleBigPublish', text: () => toHex(bigPublishBytes()) },
  { id: 'malformed', labelKey: 'exampleMalformed', text: () => MALFORMED_STREAM },
];

export const EXAMPLE_IDS: ReadonlyArray<string> = EXAMPLES.map((e) => e.id);

export function exampleById(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
