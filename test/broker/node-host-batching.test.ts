/**
 * The Node host writes the packets one event produces for a connection in one socket write (or
 * one WebSocket frame), not one write per packet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startNodeBroker, type NodeBroker } from '../../src/cli/node-broker.ts';
import { encodePacket, StreamDecoder, type Packet } from '../../src/mqtt/codec/index.ts';
import { RawClient } from '../support/raw-client.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe.each([true, false])('the Node host with batchWrites %s', (batchWrites) => {
  let node: NodeBroker;
  beforeAll(async () => { node = await startNodeBroker({ port: 0, wsPort: 0, host: '127.0.0.1', batchWrites }); });
  afterAll(async () => { await node.close(); });

  it('answers a SUBSCRIBE that brings 50 retained messages with one write per event (or 51 unbatched)', async () => {
    const tag = `b${batchWrites}`;
    const { client: pub } = await RawClient.connect(node.port!, { cleanSession: true, keepAlive: 30, clientId: `${tag}-pub` });
    for (let i = 0; i < 50; i++) pub.send({ type: 'PUBLISH', dup: false, qos: 1, retain: true, topic: `${tag}/r/${i}`, packetId: i + 1, payload: text(`m${i}`) });
    await pub.waitFor((p) => p.type === 'PUBACK' && p.packetId === 50, 3000);
    const { client: sub } = await RawClient.connect(node.port!, { cleanSession: true, keepAlive: 30, clientId: `${tag}-sub` }, { autoAck: false });
    const before = { ...node.stats };
    sub.send({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: `${tag}/r/#`, qos: 0 }] });
    expect(await sub.waitForPublishes(50, 3000)).toBe(true);
    expect(sub.received.filter((p) => p.type === 'SUBACK')).toHaveLength(1);
    expect(node.stats.packets - before.packets).toBe(51);
    expect(node.stats.writes - before.writes).toBe(batchWrites ? 1 : 51);
    pub.close();
    sub.close();
  });

  it('acknowledges a chunk of 20 QoS 1 PUBLISHes and fans them out to 3 subscribers', async () => {
    const tag = `f${batchWrites}`;
    const subs = await Promise.all([1, 2, 3].map(async (n) => (await RawClient.connect(node.port!, { cleanSession: true, keepAlive: 30, clientId: `${tag}-s${n}` })).client));
    for (const sub of subs) {
      sub.send({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: `${tag}/t`, qos: 1 }] });
      await sub.waitFor((p) => p.type === 'SUBACK', 2000);
    }
    const { client: pub } = await RawClient.connect(node.port!, { cleanSession: true, keepAlive: 30, clientId: `${tag}-pub` });
    const chunk = Buffer.concat(Array.from({ length: 20 }, (_, i) => encodePacket({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: `${tag}/t`, packetId: i + 1, payload: text(`${i}`) }, { protocolVersion: 4 })));
    const before = { ...node.stats };
    pub.sendBytes(chunk);
    await pub.waitFor((p) => p.type === 'PUBACK' && p.packetId === 20, 3000);
    for (const sub of subs) expect(await sub.waitForPublishes(20, 3000)).toBe(true);
    // 20 PUBACKs + 3 × 20 PUBLISHes. The subscribers' own PUBACKs come back as later events.
    expect(node.stats.packets - before.packets).toBe(80);
    if (batchWrites) expect(node.stats.writes - before.writes).toBeLessThanOrEqual(8);
    else expect(node.stats.writes - before.writes).toBe(80);
    expect(subs[0]!.publishes().map((p) => new TextDecoder().decode(p.payload))).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    for (const c of [pub, ...subs]) c.close();
  });

  it('over WebSocket, a batch is one binary frame holding several packets', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${node.wsPort}/mqtt`, 'mqtt');
    const frames: Buffer[] = [];
    const decoder = new StreamDecoder({ protocolVersion: 4 });
    const packets: Packet[] = [];
    ws.on('message', (data: Buffer) => { frames.push(data); for (const d of decoder.push(data)) packets.push(d.packet); });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const send = (p: Packet) => ws.send(encodePacket(p, { protocolVersion: 4 }));
    send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 30, clientId: `ws-${batchWrites}` });
    // Three PINGREQs in one frame: three PINGRESPs.
    ws.send(Buffer.from([0xc0, 0x00, 0xc0, 0x00, 0xc0, 0x00]));
    const deadline = Date.now() + 3000;
    while (packets.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(packets.map((p) => p.type)).toEqual(['CONNACK', 'PINGRESP', 'PINGRESP', 'PINGRESP']);
    // The three PINGRESPs of one frame go out together (with the CONNACK too, when both frames
    // were read in the same event).
    if (batchWrites) expect([[4, 6], [10]]).toContainEqual(frames.map((f) => f.length));
    else expect(frames).toHaveLength(4);
    ws.close();
  });
});
