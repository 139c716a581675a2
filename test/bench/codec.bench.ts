/**
 * Codec speed against mqtt-packet on identical bytes: decode (ours: decodePacket / StreamDecoder,
 * peer: mqtt-packet's parser) and encode (ours: encodePacket, peer: mqtt-packet's generate).
 * Before timing, each case checks that both sides read the same packet and write the same bytes.
 */
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { decodePacket, encodePacket, StreamDecoder, type Packet, type ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import { compare, isMain, printTable, type BenchRow } from './harness.ts';

type PeerObject = Record<string, unknown>;

/** The allocator a Node host passes in (src/mqtt itself never touches Buffer). */
const nodeAllocate = (size: number): Uint8Array => Buffer.allocUnsafe(size);

interface Case {
  name: string;
  version: ProtocolVersion;
  ours: Packet;
  peer: PeerObject;
  decodeTarget: number;
}

const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

function publishCases(): Case[] {
  const topic = 'building-b/floor-5/room-12/temp';
  const body = payload(100 - 2 - 2 - topic.length - 2);
  const v5body = payload(40);
  return [
    {
      name: 'PUBLISH 100 B, 3.1.1, QoS 1', version: 4, decodeTarget: 1.5,
      ours: { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic, packetId: 42, payload: body },
      peer: { cmd: 'publish', dup: false, qos: 1, retain: false, topic, messageId: 42, payload: Buffer.from(body) },
    },
    {
      name: 'PUBLISH 100 B, 5.0 + 4 properties', version: 5, decodeTarget: 3,
      ours: {
        type: 'PUBLISH', dup: false, qos: 1, retain: false, topic, packetId: 42, payload: v5body,
        properties: { payloadFormatIndicator: 1, messageExpiryInterval: 60, contentType: 'application/json', userProperties: [['unit', 'C']] },
      },
      peer: {
        cmd: 'publish', dup: false, qos: 1, retain: false, topic, messageId: 42, payload: Buffer.from(v5body),
        properties: { payloadFormatIndicator: true, messageExpiryInterval: 60, contentType: 'application/json', userProperties: { unit: 'C' } },
      },
    },
  ];
}

const connectCase: Case = {
  name: 'CONNECT with will, 3.1.1', version: 4, decodeTarget: 1.5,
  ours: {
    type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 30, clientId: 'sensor-0042',
    will: { topic: 'status/sensor-0042', payload: new TextEncoder().encode('offline'), qos: 1, retain: true },
    username: 'device', password: new TextEncoder().encode('s3cret'),
  },
  peer: {
    cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, keepalive: 30, clientId: 'sensor-0042',
    will: { topic: 'status/sensor-0042', payload: Buffer.from('offline'), qos: 1, retain: true },
    username: 'device', password: Buffer.from('s3cret'),
  },
};

const filters = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? `site/${i}/+/temperature` : i % 3 === 1 ? `site/${i}/#` : `site/${i}/door/state`));
const subscribeCase: Case = {
  name: 'SUBSCRIBE of 10 filters, 3.1.1', version: 4, decodeTarget: 1.5,
  ours: { type: 'SUBSCRIBE', packetId: 7, subscriptions: filters.map((topicFilter, i) => ({ topicFilter, qos: (i % 3) as 0 | 1 | 2 })) },
  peer: { cmd: 'subscribe', messageId: 7, subscriptions: filters.map((topic, i) => ({ topic, qos: i % 3 })) },
};

function peerParser(version: ProtocolVersion): { parse: (b: Buffer) => void; packets: PeerObject[] } {
  const parser = mqttPacket.parser({ protocolVersion: version });
  const packets: PeerObject[] = [];
  parser.on('packet', (p: PeerObject) => packets.push(p));
  parser.on('error', (e: Error) => { throw e; });
  return { parse: (b) => parser.parse(b), packets };
}

function checkSameBytes(c: Case): Buffer {
  const ours = encodePacket(c.ours, { protocolVersion: c.version });
  const theirs = mqttPacket.generate(c.peer as never, { protocolVersion: c.version });
  assert.equal(Buffer.from(ours).toString('hex'), theirs.toString('hex'), `${c.name}: encoders disagree`);
  const peer = peerParser(c.version);
  peer.parse(theirs);
  assert.equal(peer.packets.length, 1);
  const decoded = decodePacket(theirs, { protocolVersion: c.version }).packet;
  assert.equal(decoded.type.toLowerCase(), peer.packets[0]!.cmd);
  return theirs;
}

export function runCodecBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const c of [...publishCases(), connectCase, subscribeCase]) {
    const bytes = checkSameBytes(c);
    const peer = peerParser(c.version);
    let sink = 0;
    rows.push(compare(`decode ${c.name}`, () => { sink += decodePacket(bytes, { protocolVersion: c.version }).length; }, () => { peer.parse(bytes); peer.packets.length = 0; }, { target: c.decodeTarget, peerName: 'mqtt-packet' }));
    rows.push(compare(`encode ${c.name}`, () => { sink += encodePacket(c.ours, { protocolVersion: c.version }).length; }, () => { sink += mqttPacket.generate(c.peer as never, { protocolVersion: c.version }).length; }, { target: 1, peerName: 'mqtt-packet' }));
    if (c.name.startsWith('PUBLISH 100 B, 3.1.1')) {
      rows.push(compare(`encode ${c.name} (Node allocator)`, () => { sink += encodePacket(c.ours, { protocolVersion: c.version, allocate: nodeAllocate }).length; }, () => { sink += mqttPacket.generate(c.peer as never, { protocolVersion: c.version }).length; }, { target: 1, peerName: 'mqtt-packet' }));
    }
    if (sink < 0) console.log(sink);
  }

  // 100 small packets arriving in one read, through each side's streaming parser.
  const small = Buffer.concat(Array.from({ length: 100 }, (_, i) => mqttPacket.generate({ cmd: 'publish', topic: `t/${i % 10}`, payload: Buffer.from('on'), qos: 0, dup: false, retain: false } as never)));
  {
    const ours = new StreamDecoder({ protocolVersion: 4 });
    assert.equal(ours.push(small).length, 100);
    const peer = peerParser(4);
    peer.parse(small);
    assert.equal(peer.packets.length, 100);
    peer.packets.length = 0;
    rows.push(compare('decode 100 small packets in one read', () => { ours.push(small); }, () => { peer.parse(small); peer.packets.length = 0; }, { opsPerCall: 100, unit: 'pkt/s', target: 1.5, peerName: 'mqtt-packet' }));
  }

  // A 64 KiB PUBLISH, whole and in 1460-byte TCP-sized chunks.
  const bigPayload = payload(64 * 1024);
  const big: Case = {
    name: 'PUBLISH 64 KiB', version: 4, decodeTarget: 1,
    ours: { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'camera/frame', payload: bigPayload },
    peer: { cmd: 'publish', dup: false, qos: 0, retain: false, topic: 'camera/frame', payload: Buffer.from(bigPayload) },
  };
  const bigBytes = checkSameBytes(big);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bigBytes.length; i += 1460) chunks.push(bigBytes.subarray(i, i + 1460));
  {
    const ours = new StreamDecoder({ protocolVersion: 4 });
    const peer = peerParser(4);
    rows.push(compare('decode PUBLISH 64 KiB in one buffer', () => { ours.push(bigBytes); }, () => { peer.parse(bigBytes); peer.packets.length = 0; }, { unit: 'pkt/s', target: 1, peerName: 'mqtt-packet' }));
    let got = 0;
    for (const chunk of chunks) got += ours.push(chunk).length;
    assert.equal(got, 1);
    for (const chunk of chunks) peer.parse(chunk);
    assert.equal(peer.packets.length, 1);
    assert.equal(Buffer.from((peer.packets[0] as { payload: Buffer }).payload).equals(Buffer.from(bigPayload)), true);
    peer.packets.length = 0;
    rows.push(compare('decode PUBLISH 64 KiB in 1460 B chunks', () => { for (const chunk of chunks) ours.push(chunk); }, () => { for (const chunk of chunks) peer.parse(chunk); peer.packets.length = 0; }, { unit: 'pkt/s', target: 5, peerName: 'mqtt-packet' }));
    // What a Node host does: hand the decoder memory that is not zero-filled, as mqtt-packet's bl does.
    const nodeOurs = new StreamDecoder({ protocolVersion: 4, allocate: nodeAllocate });
    rows.push(compare('decode PUBLISH 64 KiB in 1460 B chunks (Node allocator)', () => { for (const chunk of chunks) nodeOurs.push(chunk); }, () => { for (const chunk of chunks) peer.parse(chunk); peer.packets.length = 0; }, { unit: 'pkt/s', target: 5, peerName: 'mqtt-packet' }));
    rows.push(compare('encode PUBLISH 64 KiB', () => { encodePacket(big.ours); }, () => { mqttPacket.generate(big.peer as never); }, { target: 1, peerName: 'mqtt-packet' }));
    rows.push(compare('encode PUBLISH 64 KiB (Node allocator)', () => { encodePacket(big.ours, { allocate: nodeAllocate }); }, () => { mqttPacket.generate(big.peer as never); }, { target: 1, peerName: 'mqtt-packet' }));
  }
  return rows;
}

if (isMain(import.meta.url)) printTable('Codec: ours vs mqtt-packet (median of 7 interleaved rounds)', runCodecBench());
