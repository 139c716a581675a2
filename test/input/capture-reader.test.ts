/**
 * The capture reader on hand-made files: every hard case built byte by byte, so each expectation
 * is known exactly — which bytes were retransmitted, where the hole is, where a stream joined
 * midway starts, which link and time format the file uses.
 */
import { describe, expect, it } from 'vitest';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { analyseCapture, readInput, type CaptureAnalysis, type CaptureConnection } from '../../src/input/index.ts';
import {
  ascii, concat, LINK, pcapFile, pcapngFile, TcpConversation, wsFrame, type BuiltFrame,
} from '../support/capture-builder.ts';

const CLIENT = { ip: '192.168.1.20', port: 51234 };
const BROKER = { ip: '192.168.1.10', port: 1883 };

const connect = (clientId: string, level: 4 | 5 = 4): Packet => ({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: level, cleanSession: true, keepAlive: 60, clientId });
const connack: Packet = { type: 'CONNACK', sessionPresent: false, reasonCode: 0 };
const publish = (topic: string, payload: Uint8Array, packetId?: number): Packet =>
  ({ type: 'PUBLISH', dup: false, qos: packetId === undefined ? 0 : 1, retain: false, topic, payload, ...(packetId === undefined ? {} : { packetId }) });
const puback = (packetId: number): Packet => ({ type: 'PUBACK', packetId });
const bytesOf = (p: Packet, version: 4 | 5 = 4) => encodePacket(p, { protocolVersion: version });

function payload(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

/** A plain session: handshake, CONNECT, CONNACK, a QoS 1 PUBLISH and its PUBACK, close. */
function session(conv: TcpConversation, clientId = 'sensor-1', body = ascii('21.5')): BuiltFrame[] {
  return [
    ...conv.handshake(),
    ...conv.send('client', bytesOf(connect(clientId))),
    ...conv.send('broker', bytesOf(connack)),
    ...conv.send('client', bytesOf(publish('home/temp', body, 1))),
    ...conv.send('broker', bytesOf(puback(1))),
    ...conv.close(),
  ];
}

function only(a: CaptureAnalysis): CaptureConnection {
  expect(a.error).toBeNull();
  expect(a.connections).toHaveLength(1);
  return a.connections[0]!;
}

const types = (c: CaptureConnection) => c.packets.map((p) => `${p.direction === 'client-to-broker' ? '>' : '<'}${p.type}`);

describe('reading capture files', () => {
  it('lists a connection from a little-endian microsecond pcap with endpoints, client id, counts, bytes and duration', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const frames = session(conv);
    const c = only(analyseCapture(pcapFile(frames)));
    expect(c.protocol).toBe('mqtt');
    expect(c.client).toEqual(CLIENT);
    expect(c.broker).toEqual(BROKER);
    expect(c.clientBy).toBe('syn');
    expect(c.clientId).toBe('sensor-1');
    expect(c.protocolVersion).toBe(4);
    expect(types(c)).toEqual(['>CONNECT', '<CONNACK', '>PUBLISH', '<PUBACK']);
    const expectedBytes = [connect('sensor-1'), connack, publish('home/temp', ascii('21.5'), 1), puback(1)].reduce((n, p) => n + bytesOf(p).length, 0);
    expect(c.bytes).toBe(expectedBytes);
    // 9 frames 1 ms apart: first to last is 8 ms.
    expect(c.duration).toBeCloseTo(0.008, 9);
    expect(c.packets[2]!.frame).toBe(6);
    expect(c.packets[2]!.time).toEqual(frames[5]!.time);
    expect(c.malformed).toBe(0);
  });

  it('keeps nanoseconds from a big-endian nanosecond pcap', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const frames = session(conv);
    frames[3] = { ...frames[3]!, time: { sec: 1_700_000_000, nsec: 3_123_456_789 % 1e9 } };
    const c = only(analyseCapture(pcapFile(frames, { littleEndian: false, nanoseconds: true })));
    expect(c.packets[0]!.time).toEqual({ sec: 1_700_000_000, nsec: 123_456_789 });
    // The same file in microseconds loses the last three digits.
    const micro = only(analyseCapture(pcapFile(frames, { nanoseconds: false })));
    expect(micro.packets[0]!.time).toEqual({ sec: 1_700_000_000, nsec: 123_456_000 });
  });

  it('reads a big-endian pcapng with two interfaces: Ethernet with a VLAN tag and IPv4, Linux cooked SLL2 and IPv6, nanosecond resolution', () => {
    const a = new TcpConversation({ client: CLIENT, broker: BROKER, linkType: LINK.ETHERNET });
    const v6client = { ip: '2001:db8::20', port: 40000 };
    const v6broker = { ip: '2001:db8::10', port: 1883 };
    const b = new TcpConversation({ client: v6client, broker: v6broker, linkType: LINK.SLL2, startSec: 1_700_000_001 });
    const first = session(a, 'eth-client');
    const second = session(b, 'v6-client').map((f) => ({ ...f, interfaceId: 1 }));
    const frames = first.flatMap((f, i) => [f, second[i]!]);
    const file = pcapngFile(frames, { littleEndian: false, interfaces: [{ linkType: LINK.ETHERNET }, { linkType: LINK.SLL2, tsresol: 9 }] });
    const analysis = analyseCapture(file);
    expect(analysis.error).toBeNull();
    expect(analysis.format).toBe('pcapng');
    expect(analysis.connections.map((c) => [c.clientId, c.client.ip, c.broker.ip, c.packetCount])).toEqual([
      ['eth-client', CLIENT.ip, BROKER.ip, 4],
      ['v6-client', '2001:db8::20', '2001:db8::10', 4],
    ]);
    expect(analysis.connections[1]!.packets[0]!.time).toEqual(second[3]!.time);
  });

  it('reads Ethernet frames with a VLAN tag, raw IP and BSD loopback link types', () => {
    for (const [linkType, label] of [[LINK.RAW, 'raw'], [LINK.NULL, 'null'], [LINK.SLL, 'sll']] as const) {
      const conv = new TcpConversation({ client: CLIENT, broker: BROKER, linkType });
      const c = only(analyseCapture(pcapFile(session(conv, label), { linkType })));
      expect([c.clientId, c.packetCount]).toEqual([label, 4]);
    }
  });

  it('reads Simple Packet Blocks', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const c = only(analyseCapture(pcapngFile(session(conv, 'spb'), { simple: true })));
    expect([c.clientId, c.packetCount]).toEqual(['spb', 4]);
  });
});

describe('putting TCP back together', () => {
  it('places out-of-order segments and drops retransmissions and overlapping duplicates', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const body = payload(5000);
    const head = [...conv.handshake(), ...conv.send('client', bytesOf(connect('reorder'))), ...conv.send('broker', bytesOf(connack))];
    const segs = conv.send('client', bytesOf(publish('big/one', body, 7)), 1000);
    expect(segs.length).toBe(6);
    const tail = [...conv.send('broker', bytesOf(puback(7))), ...conv.close()];
    // Order on the wire: 0, 2, 1 (late), 1 again (retransmitted), 3, 5, 4, then 0 once more.
    const shuffled = [segs[0]!, segs[2]!, segs[1]!, segs[1]!, segs[3]!, segs[5]!, segs[4]!, segs[0]!];
    const c = only(analyseCapture(pcapFile([...head, ...shuffled, ...tail])));
    expect(types(c)).toEqual(['>CONNECT', '<CONNACK', '>PUBLISH', '<PUBACK']);
    const p = c.packets[2]!.packet;
    expect(p?.type === 'PUBLISH' && p.topic).toBe('big/one');
    expect(p?.type === 'PUBLISH' && [...p.payload]).toEqual([...body]);
    expect(c.outOfOrderSegments).toBe(2);
    expect(c.retransmittedBytes).toBe(segs[1]!.data.length - 54 + segs[0]!.data.length - 54);
    expect(c.events).toEqual([]);
  });

  it('reports a segment that was never captured as a gap and does not join the bytes around it', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const head = [...conv.handshake(), ...conv.send('client', bytesOf(connect('gappy'))), ...conv.send('broker', bytesOf(connack))];
    const first = conv.send('client', bytesOf(publish('a/1', payload(100), 1)));
    const lost = conv.send('client', bytesOf(publish('a/2', payload(3000), 2)), 1000);
    const after = conv.send('client', bytesOf(publish('a/3', ascii('after'), 3)));
    expect(lost).toHaveLength(4);
    const frames = [...head, ...first, lost[0]!, lost[2]!, lost[3]!, ...after, ...conv.close()];
    const c = only(analyseCapture(pcapFile(frames)));
    expect(types(c)).toEqual(['>CONNECT', '<CONNACK', '>PUBLISH', '>PUBLISH']);
    const topics = c.packets.map((p) => (p.packet?.type === 'PUBLISH' ? p.packet.topic : null));
    expect(topics.slice(2)).toEqual(['a/1', 'a/3']);
    const gap = c.events.find((e) => e.kind === 'gap');
    expect(gap).toMatchObject({ direction: 'client-to-broker', bytes: 1000 });
    // The unfinished a/2 before the hole and its tail after it are reported, not decoded as a packet.
    expect(c.events.map((e) => e.kind)).toEqual(['truncated', 'gap', 'skipped']);
    expect(c.events[0]!.bytes).toBe(1000);
    expect(c.events[2]!.bytes).toBe(bytesOf(publish('a/2', payload(3000), 2)).length - 2000);
    expect(c.malformed).toBe(0);
  });

  it('resynchronises a capture that starts in the middle of a packet at the next fixed header and says how many bytes it skipped', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    conv.handshake();
    conv.send('client', bytesOf(connect('late')));
    conv.send('broker', bytesOf(connack));
    const big = bytesOf(publish('x/big', ascii('0123456789'.repeat(300)), 9));
    const bigFrames = conv.send('client', big, 1000);
    const rest = [
      ...conv.send('broker', bytesOf(puback(9))),
      ...conv.send('client', bytesOf(publish('x/next', ascii('n'), 10))),
      ...conv.send('broker', bytesOf(puback(10))),
      ...conv.send('client', bytesOf({ type: 'PINGREQ' })),
      ...conv.send('broker', bytesOf({ type: 'PINGRESP' })),
    ];
    const c = only(analyseCapture(pcapFile([bigFrames[1]!, bigFrames[2]!, bigFrames[3]!, ...rest])));
    expect(c.fromStart).toBe(false);
    expect(c.clientBy).toBe('port');
    expect(c.client).toEqual(CLIENT);
    expect(types(c)).toEqual(['<PUBACK', '>PUBLISH', '<PUBACK', '>PINGREQ', '<PINGRESP']);
    expect(c.events).toEqual([expect.objectContaining({ kind: 'skipped', direction: 'client-to-broker', bytes: big.length - 1000, streamOffset: 0 })]);
  });

  it('finds MQTT on a port that is not 1883 by its content', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: { ip: BROKER.ip, port: 4242 } });
    const c = only(analyseCapture(pcapFile(session(conv, 'odd-port'))));
    expect([c.protocol, c.clientId, c.broker.port]).toEqual(['mqtt', 'odd-port', 4242]);
  });

  it('lists a TLS connection as encrypted with its ports, and a non-MQTT connection as other', () => {
    const tls = new TcpConversation({ client: CLIENT, broker: { ip: BROKER.ip, port: 8883 } });
    const hello = concat(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c, 0x03, 0x03]), payload(59));
    const http = new TcpConversation({ client: { ip: CLIENT.ip, port: 50000 }, broker: { ip: BROKER.ip, port: 80 } });
    const frames = [
      ...tls.handshake(), ...tls.send('client', hello), ...tls.send('broker', concat(new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x10]), payload(16))),
      ...http.handshake(), ...http.send('client', ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), ...http.send('broker', ascii('HTTP/1.1 200 OK\r\n\r\nhi')),
    ];
    const a = analyseCapture(pcapFile(frames));
    expect(a.connections.map((c) => [c.protocol, c.client.port, c.broker.port, c.packetCount])).toEqual([
      ['tls', CLIENT.port, 8883, 0],
      ['other', 50000, 80, 0],
    ]);
  });
});

describe('MQTT over WebSocket', () => {
  it('follows the upgrade, unmasks client frames, joins fragmented frames and splits frames holding several packets', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: { ip: BROKER.ip, port: 8080 } });
    const mask: [number, number, number, number] = [0x12, 0x34, 0x56, 0x78];
    const upgrade = ascii('GET /mqtt HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n');
    const accept = ascii('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n');
    const pub = bytesOf(publish('ws/topic', payload(300), 5), 5);
    const frames = [
      ...conv.handshake(),
      ...conv.send('client', concat(upgrade, wsFrame(2, bytesOf(connect('ws-client', 5)), { mask }))),
      ...conv.send('broker', concat(accept, wsFrame(2, bytesOf(connack, 5)))),
      // One PUBLISH in three frames: binary (not final), a ping in between, two continuations.
      ...conv.send('client', wsFrame(2, pub.subarray(0, 100), { fin: false, mask })),
      ...conv.send('client', wsFrame(9, ascii('ping'), { mask })),
      ...conv.send('client', wsFrame(0, pub.subarray(100, 200), { fin: false, mask })),
      ...conv.send('client', wsFrame(0, pub.subarray(200), { mask })),
      // Two packets in one frame, split across two TCP segments.
      ...conv.send('broker', wsFrame(2, concat(bytesOf(puback(5), 5), bytesOf({ type: 'PINGRESP' }, 5))), 3),
      ...conv.close(),
    ];
    const c = only(analyseCapture(pcapFile(frames)));
    expect(c.protocol).toBe('mqtt-websocket');
    expect(c.websocket).toEqual({ path: '/mqtt', subprotocol: 'mqtt' });
    expect([c.clientId, c.protocolVersion]).toEqual(['ws-client', 5]);
    expect(types(c)).toEqual(['>CONNECT', '<CONNACK', '>PUBLISH', '<PUBACK', '<PINGRESP']);
    const p = c.packets[2]!.packet;
    expect(p?.type === 'PUBLISH' && [...p.payload]).toEqual([...payload(300)]);
  });
});

describe('damaged files', () => {
  it('names the byte offset and the record of a pcap cut short, and keeps every connection before it', () => {
    const one = new TcpConversation({ client: CLIENT, broker: BROKER });
    const two = new TcpConversation({ client: { ip: CLIENT.ip, port: 51235 }, broker: BROKER });
    const frames = [...session(one, 'complete'), ...two.handshake(), ...two.send('client', bytesOf(connect('cut-off')))];
    const file = pcapFile(frames);
    const cut = file.subarray(0, file.length - 10);
    const a = analyseCapture(cut);
    const lastRecordOffset = file.length - (16 + frames[frames.length - 1]!.data.length);
    expect(a.error).toEqual({ offset: lastRecordOffset, record: `record ${frames.length}`, message: expect.stringContaining('ends inside a record'), unit: 'record', index: frames.length, kind: 'truncated' });
    expect(a.frames).toBe(frames.length - 1);
    expect(a.connections[0]).toMatchObject({ clientId: 'complete', packetCount: 4 });
    expect(a.connections[1]).toMatchObject({ protocol: 'other', packetCount: 0 });
  });

  it('names the block of a pcapng whose block length is corrupt', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const frames = session(conv, 'before-damage');
    const file = pcapngFile(frames).slice();
    // Find the 8th Enhanced Packet Block (block 10: SHB, IDB, then packets) and break its trailing length.
    let at = 0;
    const view = new DataView(file.buffer);
    for (let n = 1; n < 10; n++) at += view.getUint32(at + 4, true);
    const length = view.getUint32(at + 4, true);
    view.setUint32(at + length - 4, length + 4, true);
    const a = analyseCapture(file);
    expect(a.error).toMatchObject({ offset: at + length - 4, record: 'block 10 (Enhanced Packet Block)', unit: 'block', index: 10, kind: 'corrupt' });
    expect(a.error!.message).toMatch(/trailing length/);
    expect(a.frames).toBe(7);
    expect(a.connections[0]).toMatchObject({ clientId: 'before-damage', packetCount: 4 });
  });

  it('refuses a pcap whose header is cut short, naming the file header', () => {
    const a = analyseCapture(pcapFile([]).subarray(0, 10));
    expect(a.error).toMatchObject({ offset: 0, record: 'file header', unit: 'file-header', kind: 'truncated' });
    expect(a.connections).toEqual([]);
  });
});

describe('one entry for every input', () => {
  it('reads a file as a capture when it starts with a capture magic number, and as pasted text otherwise', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const file = readInput(pcapngFile(session(conv)));
    expect(file.kind).toBe('capture');
    const text = readInput(ascii('30 0c 00 03 61 2f 62 68 65 6c 6c 6f 21 21'));
    expect(text.kind === 'text' && text.text.bytes.length).toBe(14);
    expect(readInput('c0 00').kind).toBe('text');
  });
});
