import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAll, encodePacket, type FieldSpan, type Packet } from '../../src/mqtt/codec/index.ts';
import { toHex } from '../../src/input/index.ts';
import {
  analyseBytes, analyseInput, builderLinkFor, DEFAULT_LIMITS, encodeDecoderHash, entryDetail, MAX_SHARE_BYTES,
  parseDecoderHash, shareHashFor, statusMessage, synthesizedSpans,
} from '../../src/components/hex-decoder/hex-decoder-model.ts';
import { analyseFlows, topicMatches, type FlowPacket } from '../../src/components/hex-decoder/flows.ts';
import {
  BIG_PUBLISH_PAYLOAD, bigPublishBytes, CONNECT_WITH_WILL, EXAMPLE_IDS, EXAMPLES, MALFORMED_STREAM, PUBLISH_V5, QOS2_EXCHANGE, SESSION_V5,
} from '../../src/components/hex-decoder/examples.ts';
import {
  bitView, formatValue, gridRowLabel, layoutPacket, moveCursor, moveInList, nodeAtByte, pathPrefixes, payloadView, rowCount, scrollToRow,
  visibleNodes, visibleRows,
} from '../../src/components/shared/annotated-packet/annotated-packet-model.ts';
import { hasKey, say, translate } from '../../src/components/i18n/catalogue.ts';
import { codecText } from '../../src/components/i18n/codec-text.ts';
import { build, parseBuilderHash } from '../../src/components/packet-builder/packet-builder-model.ts';
import { mqttGenerate, toMqtt } from '../support/mqtt-packet-adapter.ts';

const te = new TextEncoder();
const hexBytes = (hex: string) => Uint8Array.from(hex.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));

describe('the worked examples', () => {
  it('spells the CONNECT with a will exactly as the encoder and mqtt-packet write it', () => {
    const packet: Packet = {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'sensor-42',
      will: { topic: 'devices/sensor-42/status', payload: te.encode('offline'), qos: 1, retain: true }, username: 'alice', password: te.encode('s3cret'),
    };
    const bytes = hexBytes(CONNECT_WITH_WILL);
    expect(toHex(bytes)).toBe(toHex(encodePacket(packet)));
    expect(toHex(bytes)).toBe(toHex(mqttGenerate(toMqtt(packet, 4), 4)));
    // The flags byte as hand-written: user name, password, will retain, will QoS 01, will, clean session.
    expect(bytes[9]).toBe(0b1110_1110);
    expect(bytes[1]).toBe(71);
  });

  it('spells the 5.0 PUBLISH with properties as mqtt-packet writes it', () => {
    const packet: Packet = {
      type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'sensors/kitchen/temperature', packetId: 1,
      payload: te.encode('{"celsius":21.5,"humidity":48}'),
      properties: { payloadFormatIndicator: 1, messageExpiryInterval: 300, contentType: 'application/json', userProperties: [['unit', 'C']] },
    };
    expect(toHex(hexBytes(PUBLISH_V5))).toBe(toHex(encodePacket(packet, { protocolVersion: 5 })));
    expect(toHex(hexBytes(PUBLISH_V5))).toBe(toHex(mqttGenerate(toMqtt(packet, 5), 5)));
  });

  it('decodes every example without a codec exception and with the packets it promises', () => {
    const expected: Record<string, string[]> = {
      'connect-will': ['CONNECT'],
      'publish-v5': ['PUBLISH'],
      qos2: ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBREC', 'PUBREL', 'PUBCOMP', 'DISCONNECT'],
      'session-v5': ['CONNECT', 'CONNACK', 'SUBSCRIBE', 'SUBACK', 'PUBLISH', 'PUBACK', 'PUBLISH', 'PUBLISH', 'PINGREQ', 'PINGRESP', 'DISCONNECT'],
      'big-publish': ['PUBLISH'],
      malformed: ['PUBLISH', 'SUBSCRIBE', 'PINGREQ'],
    };
    for (const example of EXAMPLES) {
      const result = analyseInput(example.text(), example.choice ?? 'auto');
      expect(result.entries.map((e) => e.type), example.id).toEqual(expected[example.id]);
    }
    expect(EXAMPLE_IDS).toEqual(Object.keys(expected));
  });

  it('marks the lone 5.0 PUBLISH as needing 5.0, because detection alone would read it as 3.1.1', () => {
    const auto = analyseInput(PUBLISH_V5, 'auto');
    expect(auto.version).toBe(4);
    expect(EXAMPLES.find((e) => e.id === 'publish-v5')!.choice).toBe('5.0');
    const v5 = analyseInput(PUBLISH_V5, '5.0');
    const detail = entryDetail(v5.bytes, v5.entries[0]!);
    expect(detail.layout.nodes.map((n) => n.label)).toContain('Content Type');
    expect(detail.payloads[0]!.view.json).toBe('{\n  "celsius": 21.5,\n  "humidity": 48\n}');
  });

  it('generates the 200 kB PUBLISH at run time with a three-byte remaining length', () => {
    const bytes = bigPublishBytes();
    const result = analyseBytes(bytes, 'auto');
    const entry = result.entries[0]!;
    expect(entry.facts.payloadLength).toBe(BIG_PUBLISH_PAYLOAD);
    expect(bytes[1]! & 0x80).toBe(0x80);
    expect(bytes[2]! & 0x80).toBe(0x80);
    expect(bytes[3]! & 0x80).toBe(0);
    const detail = entryDetail(bytes, entry);
    expect(detail.layout.nodes.find((n) => n.path === 'fixedHeader.remainingLength')!.end - detail.layout.nodes.find((n) => n.path === 'fixedHeader.remainingLength')!.start).toBe(3);
    expect(detail.payloads[0]!.view.text).toBeNull();
  });
});

describe('decoding a stream', () => {
  it('pairs the QoS 2 handshake and draws each packet on the side that sent it', () => {
    const result = analyseInput(QOS2_EXCHANGE, 'auto');
    expect(result.versionReason).toEqual({ key: 'decoder.versionFromConnect', values: { label: '3.1.1', level: 4 } });
    const d = result.entries.map((e) => [e.type, e.direction]);
    expect(d).toEqual([
      ['CONNECT', 'toBroker'], ['CONNACK', 'toClient'], ['PUBLISH', 'toBroker'], ['PUBREC', 'toClient'],
      ['PUBREL', 'toBroker'], ['PUBCOMP', 'toClient'], ['DISCONNECT', 'toBroker'],
    ]);
    expect(result.entries[2]!.why).toBe('noSubscription');
    const exchange = result.exchanges[result.entries[2]!.exchange]!;
    expect(exchange.members).toEqual([2, 3, 4, 5]);
    expect(exchange.expecting).toBeNull();
    expect(result.entries.flatMap((e) => e.notes)).toEqual([]);
  });

  it('knows a PUBLISH with a Subscription Identifier came from the broker and resolves a topic alias', () => {
    const result = analyseInput(SESSION_V5, 'auto');
    const [, , , , delivered, ack, aliasSet, aliasUsed] = result.entries;
    expect(delivered).toMatchObject({ direction: 'toClient', confidence: 'certain', why: 'subscriptionIdentifier' });
    expect(ack).toMatchObject({ direction: 'toBroker', why: 'pairedWith', whyEntry: 4 });
    expect(aliasSet!.facts.topicAlias).toBe(1);
    expect(aliasUsed!.facts).toMatchObject({ topic: '', topicAlias: 1, aliasTopic: 'dashboard-7/commands/lights' });
    expect(result.entries[10]!.direction).toBe('either');
  });

  it('shows the packets around a malformed one, with its rule, and goes on after it', () => {
    const result = analyseInput(MALFORMED_STREAM, 'auto');
    expect(result.entries.map((e) => e.status)).toEqual(['valid', 'malformed', 'valid']);
    const bad = result.entries[1]!;
    expect(bad.error).toMatchObject({ rule: 'MQTT-3.8.1-1', offset: 20, field: 'fixedHeader.flags' });
    expect(bad.direction).toBe('toBroker');
    const detail = entryDetail(result.bytes, bad);
    expect(detail.errorByte).toBe(20);
    expect(codecText('en', detail.layout.spans.find((s) => s.offset === 20)!.label)).toContain('SUBSCRIBE');
    expect(result.entries[2]!.notes).toEqual([{ kind: 'unanswered', expected: 'PINGRESP' }]);
    expect(statusMessage(result)).toMatchObject({ key: 'decoder.statusMalformed', values: { valid: 2, malformed: 1 } });
  });

  it('stops where a broken remaining length loses the framing, and says so', () => {
    const result = analyseInput('c0 00  30 ff ff ff ff 01', '3.1.1');
    expect(result.entries.map((e) => e.status)).toEqual(['valid', 'malformed']);
    expect(result.entries[1]).toMatchObject({ offset: 2, length: 6 });
    expect(result.entries[1]!.error!.field).toBe('fixedHeader.remainingLength');
  });

  it('says how many more bytes an incomplete packet needs', () => {
    const whole = hexBytes(QOS2_EXCHANGE.split('\n').slice(0, 3).join(' '));
    const cut = whole.subarray(0, whole.length - 5);
    const result = analyseBytes(cut, 'auto');
    const last = result.entries.at(-1)!;
    expect(last).toMatchObject({ status: 'incomplete', type: 'PUBLISH', offset: 31, needed: 5 });
    expect(statusMessage(result)).toMatchObject({ key: 'decoder.statusIncomplete', values: { needed: 5 } });
    const spans = synthesizedSpans(cut, last);
    expect(spans.reduce((n, s) => n + s.length, 0)).toBe(last.length);
  });

  it('reads a Wireshark hex dump and names the format it recognised', () => {
    const dump = [
      '0000   10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f   ....MQTT...<..mo',
      '0010   73 71 5f 70 75 62 5f 31 32 33 34 35               sq_pub_12345',
    ].join('\n');
    const result = analyseInput(dump, 'auto');
    expect(result.format).toBe('wireshark-dump');
    expect(result.entries[0]!.facts.clientId).toBe('mosq_pub_12345');
  });

  it('reports text that is not bytes with its line and column instead of throwing', () => {
    const result = analyseInput('10 1a\n00 zz', 'auto');
    expect(result.status).toBe('input-error');
    expect(result.inputError).toMatchObject({ line: 2, column: 4 });
    expect(statusMessage(result)).toEqual({ key: 'decoder.statusInputError' });
  });

  it('lists at most maxEntries packets, counts the rest, and flags nothing as unanswered at the cut', () => {
    const one = encodePacket({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 't', packetId: 1, payload: te.encode('x') });
    const ack = encodePacket({ type: 'PUBACK', packetId: 1 });
    const pair = new Uint8Array([...one, ...ack]);
    const many = new Uint8Array(pair.length * 50);
    for (let i = 0; i < 50; i++) many.set(pair, i * pair.length);
    const result = analyseBytes(many, '3.1.1', { ...DEFAULT_LIMITS, maxEntries: 9 });
    expect(result.truncated).toBe(true);
    expect(result.totalEntries).toBe(100);
    expect(result.entries).toHaveLength(9);
    expect(result.entries.flatMap((e) => e.notes)).toEqual([]);
  });

  it('judges the version of a large input from its first bytes and says so', () => {
    const one = encodePacket({ type: 'PINGREQ' });
    const many = new Uint8Array(600_000);
    for (let i = 0; i < many.length; i += 2) many.set(one, i);
    const result = analyseBytes(many, 'auto');
    expect(result.versionReason).toMatchObject({ key: 'decoder.versionGuessSampled', values: { bytes: DEFAULT_LIMITS.detectBytes } });
    expect(result.totalEntries).toBe(300_000);
  });

  it('uses the version chosen by hand and says it was chosen', () => {
    const result = analyseInput('e0 00', '5.0');
    expect(result.version).toBe(5);
    expect(result.versionReason).toEqual({ key: 'decoder.versionChosen', values: { label: '5.0' } });
  });
});

describe('directions and pairs', () => {
  const p = (entry: number, type: FlowPacket['type'], extra: Partial<FlowPacket> = {}): FlowPacket => ({ entry, type, version: 4, ...extra });

  it('matches topic filters the way a broker does', () => {
    const cases: Array<[string, string, boolean]> = [
      ['sensors/#', 'sensors', true], ['sensors/#', 'sensors/a/b', true], ['sensors/+', 'sensors/a', true],
      ['sensors/+', 'sensors/a/b', false], ['+/a', '/a', true], ['#', '$SYS/x', false], ['+/x', '$SYS/x', false],
      ['$share/g/sensors/+', 'sensors/a', true], ['a/b', 'a/b', true], ['a/b', 'a/c', false], ['a/+/c', 'a//c', true],
    ];
    for (const [filter, topic, match] of cases) expect(topicMatches(filter, topic), `${filter} ${topic}`).toBe(match);
  });

  it('flags an acknowledgement that answers nothing and a SUBACK with the wrong number of codes', () => {
    const flows = analyseFlows([
      p(0, 'PUBACK', { packetId: 9 }),
      p(1, 'SUBSCRIBE', { packetId: 2, filters: ['a', 'b'] }),
      p(2, 'SUBACK', { packetId: 2, reasonCodes: [0] }),
    ], 3);
    expect(flows.notes[0]).toEqual([{ kind: 'unmatched', packetId: 9 }]);
    expect(flows.notes[2]).toEqual([{ kind: 'countMismatch', expected: 2, actual: 1 }]);
  });

  it('lets a DUP re-send join the exchange it repeats instead of opening a new one', () => {
    const flows = analyseFlows([
      p(0, 'PUBLISH', { qos: 1, packetId: 5, topic: 't' }),
      p(1, 'PUBLISH', { qos: 1, packetId: 5, topic: 't', dup: true }),
      p(2, 'PUBACK', { packetId: 5 }),
    ], 3);
    expect(flows.exchanges).toHaveLength(1);
    expect(flows.exchanges[0]!.members).toEqual([0, 1, 2]);
    expect(flows.notes.flat()).toEqual([]);
  });

  it('infers broker → client from a packet id the client still holds', () => {
    const flows = analyseFlows([p(0, 'SUBSCRIBE', { packetId: 3, filters: ['x'] }), p(1, 'PUBLISH', { qos: 1, packetId: 3, topic: 'y' })], 2);
    expect(flows.direction[1]).toBe('toClient');
    expect(flows.why[1]).toBe('packetIdInUse');
  });

  it('tells a publish from its echo on a subscribed topic', () => {
    const flows = analyseFlows([
      p(0, 'SUBSCRIBE', { packetId: 1, filters: ['chat/#'] }),
      p(1, 'SUBACK', { packetId: 1, reasonCodes: [0] }),
      p(2, 'PUBLISH', { qos: 0, topic: 'chat/a', payloadKey: '2:6869' }),
      p(3, 'PUBLISH', { qos: 0, topic: 'chat/a', payloadKey: '2:6869' }),
    ], 4);
    expect([flows.direction[2], flows.why[2]]).toEqual(['toBroker', 'echoedBy']);
    expect([flows.direction[3], flows.why[3]]).toEqual(['toClient', 'echoOf']);
  });

  it('calls a PUBLISH on a subscribed topic only probably broker → client', () => {
    const flows = analyseFlows([
      p(0, 'SUBSCRIBE', { packetId: 1, filters: ['chat/#'] }),
      p(1, 'SUBACK', { packetId: 1, reasonCodes: [0] }),
      p(2, 'PUBLISH', { qos: 0, topic: 'chat/b', payloadKey: '1:00' }),
    ], 3);
    expect([flows.direction[2], flows.confidence[2], flows.why[2], flows.whyDetail[2]]).toEqual(['toClient', 'likely', 'matchesSubscription', 'chat/#']);
  });

  it('leaves a PUBLISH with no evidence as either direction', () => {
    const flows = analyseFlows([p(0, 'PUBLISH', { qos: 0, topic: 'x' })], 1);
    expect(flows.direction[0]).toBe('either');
  });

  it('ends a 5.0 QoS 2 exchange at a PUBREC with a failure reason code', () => {
    const flows = analyseFlows([
      { entry: 0, type: 'PUBLISH', version: 5, qos: 2, packetId: 4, topic: 't' },
      { entry: 1, type: 'PUBREC', version: 5, packetId: 4, reasonCode: 0x87 },
    ], 2);
    expect(flows.exchanges[0]).toMatchObject({ expecting: null, failed: true });
    expect(flows.notes.flat()).toEqual([]);
  });
});

describe('the URL state', () => {
  it('round-trips bytes, version and the selected packet', () => {
    const hash = encodeDecoderHash({ hex: 'c000', choice: '5.0', selected: 2 });
    expect(hash).toBe('#hex=c000&v=5.0&p=3');
    expect(parseDecoderHash(hash, EXAMPLE_IDS)).toEqual({ state: { hex: 'c000', choice: '5.0', selected: 2 }, problems: [] });
  });

  it('explains every tampered part of a link and keeps what is valid', () => {
    const cases: Array<[string, string]> = [
      ['#hex=zz', 'common.linkBadHex'], ['#hex=abc', 'common.linkOddHex'], [`#hex=${'00'.repeat(MAX_SHARE_BYTES + 1)}`, 'common.linkTooLong'],
      ['#hex=c000&v=6', 'common.linkBadVersion'], ['#hex=c000&v=constructor', 'common.linkBadVersion'], ['#hex=c000&p=-1', 'linkBadPacket'],
      ['#hex=c000&p=0', 'linkBadPacket'], ['#example=nope', 'linkBadExample'], ['#hex=c000&evil=1', 'common.linkUnknownKey'],
    ];
    for (const [hash, key] of cases) {
      const { state, problems } = parseDecoderHash(hash, EXAMPLE_IDS);
      expect(problems.map((m) => m.key), hash).toContain(key.startsWith('common.') ? key : `decoder.${key}`);
      expect(['auto', '3.1', '3.1.1', '5.0']).toContain(state.choice);
    }
  });

  it('never throws on any hash at all', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const { state } = parseDecoderHash(`#${s}`, EXAMPLE_IDS);
      expect(Number.isInteger(state.selected)).toBe(true);
    }), { numRuns: 500 });
    expect(() => parseDecoderHash('#hex=%E0%A4%A&v=%', EXAMPLE_IDS)).not.toThrow();
  });

  it('refuses to put more than the share limit in a link', () => {
    expect(shareHashFor(new Uint8Array(MAX_SHARE_BYTES + 1), 'auto', 0)).toEqual({ reason: { key: 'decoder.shareTooBig', values: { bytes: MAX_SHARE_BYTES + 1, max: MAX_SHARE_BYTES } } });
    expect(shareHashFor(new Uint8Array(0), 'auto', 0)).toEqual({ reason: { key: 'decoder.shareEmpty' } });
    expect(shareHashFor(new Uint8Array(0), 'auto', 0, 'qos2')).toEqual({ hash: '#example=qos2' });
  });

  it('opens a decoded packet in the builder, which rebuilds the same bytes', () => {
    for (const [text, choice] of [[SESSION_V5, 'auto'], [CONNECT_WITH_WILL, 'auto'], [QOS2_EXCHANGE, 'auto']] as const) {
      const result = analyseInput(text, choice);
      for (const entry of result.entries) {
        const link = builderLinkFor(result.bytes, entry, '/tools/packet-builder/');
        if (!('href' in link)) throw new Error(`no link for ${entry.type}`);
        const { state, problems } = parseBuilderHash(link.href.slice(link.href.indexOf('#')));
        expect(problems).toEqual([]);
        expect(toHex(build(state!).bytes!), `${entry.type} #${entry.index}`).toBe(toHex(result.bytes.subarray(entry.offset, entry.offset + entry.length)));
      }
    }
  });

  it('offers no builder link for a malformed packet or a 3.1 one', () => {
    const malformed = analyseInput(MALFORMED_STREAM, 'auto');
    expect(builderLinkFor(malformed.bytes, malformed.entries[1]!, '/b/')).toEqual({ reason: { key: 'decoder.builderNotValid' } });
    const v31 = analyseInput(toHex(encodePacket({ type: 'CONNECT', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: true, keepAlive: 10, clientId: 'a' })), 'auto');
    expect(builderLinkFor(v31.bytes, v31.entries[0]!, '/b/')).toEqual({ reason: { key: 'decoder.builderNo31' } });
  });
});

describe('the annotated detail of a packet', () => {
  it('covers every byte of every decoded example exactly once', () => {
    for (const example of EXAMPLES) {
      const result = analyseInput(example.text(), example.choice ?? 'auto');
      for (const entry of result.entries) {
        const detail = entryDetail(result.bytes, entry);
        expect(Array.from(detail.layout.byteSpan).every((s) => s >= 0), `${example.id} #${entry.index}`).toBe(true);
        expect(detail.layout.spans.reduce((n, s) => n + s.length, 0)).toBe(entry.length);
      }
    }
  });
});

describe('the shared packet view model', () => {
  const spans = (hex: string, version: 4 | 5 = 5): { bytes: Uint8Array; fields: FieldSpan[] } => {
    const bytes = hexBytes(hex);
    return { bytes, fields: decodeAll(bytes, { protocolVersion: version, annotate: true }).packets[0]!.fields! };
  };

  it('splits a path into the levels of the tree', () => {
    expect(pathPrefixes('will.properties[1].name')).toEqual(['will', 'will.properties', 'will.properties[1]', 'will.properties[1].name']);
    expect(pathPrefixes('topic')).toEqual(['topic']);
  });

  it('groups property fields under a node named after the property and finds the field of any byte', () => {
    const { bytes, fields } = spans(PUBLISH_V5);
    const layout = layoutPacket(fields, 0, bytes.length);
    const expiry = layout.nodes.find((n) => n.path === 'properties[1]')!;
    expect(expiry.label).toBe('Message Expiry Interval');
    expect([expiry.start, expiry.end]).toEqual([36, 41]);
    expect(layout.nodes[nodeAtByte(layout, 37)]!.path).toBe('properties[1].value');
    expect(layout.nodes[nodeAtByte(layout, 0)]!.path).toBe('fixedHeader');
    expect(nodeAtByte(layout, 9999)).toBe(-1);
    const topic = layout.nodes.find((n) => n.path === 'topic')!;
    expect([topic.start, topic.end]).toEqual([2, 31]);
  });

  it('hides the children of collapsed groups', () => {
    const { bytes, fields } = spans(PUBLISH_V5);
    const layout = layoutPacket(fields, 0, bytes.length);
    const all = visibleNodes(layout, new Set());
    const collapsed = visibleNodes(layout, new Set(['properties']));
    expect(all.length - collapsed.length).toBe(layout.nodes.filter((n) => n.path.startsWith('properties') && n.path !== 'properties').length);
  });

  it('caps the tree and counts what it left out', () => {
    const packet: Packet = { type: 'UNSUBSCRIBE', packetId: 1, topicFilters: Array.from({ length: 2000 }, (_, i) => `t/${i}`) };
    const bytes = encodePacket(packet);
    const fields = decodeAll(bytes, { annotate: true }).packets[0]!.fields!;
    const layout = layoutPacket(fields, 0, bytes.length, { maxNodes: 100 });
    expect(layout.nodes).toHaveLength(100);
    expect(layout.hiddenNodes).toBeGreaterThan(0);
    expect(Array.from(layout.byteSpan).every((s) => s >= 0)).toBe(true);
  });

  it('renders only the rows in view, with overscan, and scrolls a row into view', () => {
    expect(rowCount(200_034, 16)).toBe(12_503);
    expect(visibleRows(26 * 1000, 26 * 10, 26, 12_503, 4)).toEqual({ first: 996, last: 1014 });
    expect(visibleRows(0, 0, 26, 0)).toEqual({ first: 0, last: 0 });
    expect(scrollToRow(50, 0, 260, 26)).toBe(50 * 26 + 26 - 260);
    expect(scrollToRow(2, 0, 260, 26)).toBeNull();
    expect(scrollToRow(1, 260, 260, 26)).toBe(26);
  });

  it('moves the hex cursor with the keys a grid uses, never off the packet', () => {
    expect(moveCursor(5, 'ArrowRight', 20, 16, 4)).toBe(6);
    expect(moveCursor(19, 'ArrowRight', 20, 16, 4)).toBe(19);
    expect(moveCursor(0, 'ArrowLeft', 20, 16, 4)).toBe(0);
    expect(moveCursor(3, 'ArrowDown', 20, 16, 4)).toBe(19);
    expect(moveCursor(2, 'ArrowUp', 20, 16, 4)).toBe(2);
    expect(moveCursor(18, 'Home', 20, 16, 4)).toBe(16);
    expect(moveCursor(1, 'End', 20, 16, 4)).toBe(15);
    expect(moveCursor(18, 'End', 20, 16, 4)).toBe(19);
    expect(moveCursor(18, 'Home', 20, 16, 4, true)).toBe(0);
    expect(moveCursor(0, 'PageDown', 1000, 16, 4)).toBe(64);
    expect(moveCursor(0, 'x', 20, 16, 4)).toBeNull();
    expect(moveInList(0, 'ArrowUp', 5)).toBe(0);
    expect(moveInList(4, 'End', 9)).toBe(8);
  });

  it('lays out a flag byte bit by bit with its fields', () => {
    const view = bitView(0x34, [
      { path: 'fixedHeader.type', label: { key: 'codec.b.type' }, mask: 0xf0, shift: 4, value: 3 },
      { path: 'fixedHeader.flags.qos', label: { key: 'codec.b.qos' }, mask: 0x06, shift: 1, value: 2 },
    ]);
    expect(view.cells.map((c) => c.value).join('')).toBe('00110100');
    expect(view.cells.map((c) => c.field)).toEqual([0, 0, 0, 0, -1, 1, 1, -1]);
    expect(view.fields.map((f) => f.range)).toEqual(['bits 7–4', 'bits 2–1']);
  });

  it('shows a payload as text, as indented JSON, or says where UTF-8 breaks', () => {
    expect(payloadView(te.encode('{"a":[1,2]}'))).toMatchObject({ text: '{"a":[1,2]}', json: '{\n  "a": [\n    1,\n    2\n  ]\n}' });
    expect(payloadView(te.encode('{"a":'))).toMatchObject({ json: null, text: '{"a":' });
    expect(payloadView(new Uint8Array([0x41, 0xc3, 0x28]))).toMatchObject({ text: null, invalidUtf8At: 1 });
    // A prefix cut inside a three-byte character backs off to the last whole character.
    const long = te.encode('€'.repeat(40));
    const view = payloadView(long, 10);
    expect(view).toMatchObject({ truncated: true, text: '€€€', json: null });
  });

  it('formats values by kind', () => {
    expect(formatValue({ offset: 0, length: 1, path: 'fixedHeader', label: { key: 'x' }, value: 0x32 })).toBe('0x32 (00110010)');
    expect(formatValue({ offset: 0, length: 3, path: 'topic', label: { key: 'codec.f.topic' }, value: 'a"b' })).toBe('"a\\"b"');
    expect(formatValue({ offset: 0, length: 2, path: 'properties[0].value', label: { key: 'codec.p.correlationData' }, value: 'abcd' })).toBe('0xabcd');
    expect(formatValue({ offset: 0, length: 2, path: 'keepAlive', label: { key: 'codec.f.keepAlive' }, value: 65535 })).toBe('65,535');
  });
});

describe('the catalogue text', () => {
  it('gives every message key the models produce a sentence in English and in Chinese', () => {
    const keys = ['versionChosen', 'versionFromConnect', 'versionGuess', 'versionGuessSampled', 'linkBadExample',
      'linkBadPacket', 'builderNotValid', 'builderNo31',
      'builderTooBig', 'shareEmpty', 'shareTooBig', 'statusEmpty', 'statusOk', 'statusMalformed', 'statusIncomplete', 'statusMalformedIncomplete',
      'whyType', 'whyDisconnectV4', 'whySubscriptionIdentifier', 'whyPacketIdInUse', 'whyNoSubscription', 'whyEchoOf', 'whyEchoedBy',
      'whyMatchesSubscription', 'whyPairedWith', 'whyUnknown'].map((k) => `decoder.${k}`);
    for (const key of keys) {
      expect(hasKey(key), key).toBe(true);
      expect(translate('zh-cn', key), key).not.toBe(translate('en', key));
    }
  });

  it('renders a status in Chinese and leaves an unknown key visible', () => {
    expect(say('zh-cn', { key: 'decoder.statusOk', values: { valid: 2, bytes: 4, label: '5.0' } })).toBe('按 MQTT 5.0 解码出 2 个报文，共 4 字节。');
    expect(translate('en', 'decoder.nope')).toBe('decoder.nope');
  });
});

describe('issue 10: decoder defects', () => {
  it('labels hex grid rows with hex offsets, 0000 0010 0020, as Wireshark and xxd do', () => {
    expect([0, 16, 32, 48].map((o) => gridRowLabel(o, 64))).toEqual(['0000', '0010', '0020', '0030']);
    expect(gridRowLabel(0x10000, 0x10010)).toBe('10000');
  });

  // A 5.0 CONNECT with a 15-character client id has remaining length 0x1c; a capture says 0x1f.
  const connect = encodePacket({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'client-00000001' });
  const tooLong = Uint8Array.from(connect);
  tooLong[1] = 0x1f;

  it('decodes a packet whose remaining length is larger than the bytes present when those bytes are a whole packet', () => {
    expect(connect[1]).toBe(0x1c);
    const result = analyseBytes(tooLong, 'auto');
    const entry = result.entries[0]!;
    expect(entry).toMatchObject({ status: 'incomplete', needed: 3, tooLarge: 3, type: 'CONNECT' });
    expect(entry.facts.clientId).toBe('client-00000001');
    const detail = entryDetail(tooLong, entry, 'en');
    expect(detail.packet?.type).toBe('CONNECT');
    const labels = detail.layout.nodes.map((n) => n.label);
    expect(labels).toContain('Client identifier');
    // Every byte present belongs to a field, and the remaining length keeps the value on the wire.
    expect(Array.from(detail.layout.byteSpan).every((s) => s >= 0)).toBe(true);
    expect(detail.layout.spans.find((s) => s.path === 'fixedHeader.remainingLength')?.value).toBe(0x1f);
    expect(translate('en', 'decoder.orTooLarge', { n: 3, type: 'CONNECT' })).toContain('or the remaining length is 3 bytes too large'.replace(/^or/, 'Or'));
    expect(translate('zh-cn', 'decoder.orTooLarge', { n: 3, type: 'CONNECT' })).toContain('剩余长度多写了 3 字节');
  });

  it('still calls a packet cut short incomplete, with no shorter reading, when its bytes are not a whole packet', () => {
    const cut = connect.subarray(0, 20);
    const entry = analyseBytes(cut, 'auto').entries[0]!;
    expect(entry.status).toBe('incomplete');
    expect(entry.tooLarge).toBeUndefined();
  });

  it('says packet and packets with real plural rules, in both languages', () => {
    const one = analyseBytes(hexBytes('c0 00'), '3.1.1');
    const two = analyseBytes(hexBytes('c0 00 d0 00'), '3.1.1');
    const none = analyseBytes(hexBytes('30'), '3.1.1');
    expect(say('en', statusMessage(one))).toBe('Decoded 1 packet, 2 bytes, as MQTT 3.1.1.');
    expect(say('en', statusMessage(two))).toBe('Decoded 2 packets, 4 bytes, as MQTT 3.1.1.');
    expect(say('en', statusMessage(none))).toMatch(/^Decoded 0 packets as MQTT 3\.1\.1; the input ends inside a packet that needs at least 1 more byte\.$/);
    for (const r of [one, two, none]) {
      expect(say('en', statusMessage(r))).not.toMatch(/\(s\)/);
      expect(say('zh-cn', statusMessage(r))).not.toMatch(/\(s\)|packet/);
    }
    expect(say('zh-cn', statusMessage(one))).toBe('按 MQTT 3.1.1 解码出 1 个报文，共 2 字节。');
  });

  it('gives the reason for unreadable input once: the status line does not repeat it', () => {
    const result = analyseInput('this is not hex at all', 'auto');
    expect(result.status).toBe('input-error');
    const status = say('en', statusMessage(result));
    expect(status).not.toContain(result.inputError!.message);
    expect(status).toBe(translate('en', 'decoder.statusInputError'));
  });
});
