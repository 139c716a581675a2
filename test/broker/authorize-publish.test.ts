import { describe, expect, it } from 'vitest';
import { Broker, createManualClock, sequentialIds } from '../../src/mqtt/broker/index.ts';
import { decodeAll, encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';

function connectClient(broker: Broker, version: 4 | 5) {
  const received: Packet[] = [];
  const connection = broker.accept({ send: (bytes) => received.push(...decodeAll(bytes, { protocolVersion: version }).packets.map((p) => p.packet)), close: () => {} });
  const send = (packet: Packet) => connection.receive(encodePacket(packet, { protocolVersion: version }));
  send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: version, cleanSession: true, keepAlive: 0, clientId: `c${version}`, ...(version === 5 ? { properties: {} } : {}) });
  return { received, send };
}

describe('the authorizePublish hook', () => {
  const make = (verdict: boolean | number) => new Broker({ clock: createManualClock(), ids: sequentialIds(), options: { authorizePublish: (_client, topic) => (topic.startsWith('locked/') ? verdict : true) } });

  it('answers a refused 5.0 QoS 1 publish with the code the host chose and routes nothing', () => {
    const broker = make(0x97);
    const watcher = connectClient(broker, 5);
    watcher.send({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 1 }], properties: {} });
    const client = connectClient(broker, 5);
    client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'locked/door', packetId: 3, payload: new Uint8Array([1]), properties: {} });
    expect(client.received.at(-1)).toMatchObject({ type: 'PUBACK', packetId: 3, reasonCode: 0x97 });
    expect(watcher.received.filter((p) => p.type === 'PUBLISH')).toEqual([]);
  });

  it('maps false to 0x87 Not authorized and lets other topics through', () => {
    const broker = make(false);
    const client = connectClient(broker, 5);
    client.send({ type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: 'locked/door', packetId: 4, payload: new Uint8Array([1]), properties: {} });
    expect(client.received.at(-1)).toMatchObject({ type: 'PUBREC', packetId: 4, reasonCode: 0x87 });
    client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'open/door', packetId: 5, payload: new Uint8Array([1]), properties: {} });
    expect(client.received.at(-1)).toMatchObject({ type: 'PUBACK', packetId: 5, reasonCode: 0x10 });
  });

  it('acknowledges a refused 3.1.1 publish plainly, as 3.1.1 has no way to refuse', () => {
    const broker = make(false);
    const client = connectClient(broker, 4);
    client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'locked/door', packetId: 6, payload: new Uint8Array([1]) });
    expect(client.received.at(-1)).toEqual({ type: 'PUBACK', packetId: 6 });
  });
});
