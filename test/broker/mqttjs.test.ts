/**
 * Real MQTT.js 5 clients against the broker, over the in-memory duplex, TCP and WebSocket.
 */
import { connect as mqttConnect, connectAsync, MqttClient, type IClientOptions } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/mqtt/broker/broker.ts';
import { sequentialIds } from '../../src/mqtt/broker/clock.ts';
import { createBrokerStream } from '../../src/mqtt/broker/duplex.ts';
import { startNodeBroker, type NodeBroker } from '../../src/cli/node-broker.ts';

type Transport = 'memory' | 'tcp' | 'ws';

let memoryBroker: Broker;
let memoryTimer: ReturnType<typeof setInterval>;
let node: NodeBroker;
const clients: MqttClient[] = [];

beforeAll(async () => {
  memoryBroker = new Broker({ clock: { now: () => Date.now() }, ids: sequentialIds() });
  memoryTimer = setInterval(() => memoryBroker.tick(), 50);
  node = await startNodeBroker({ port: 0, wsPort: 0, host: '127.0.0.1', tickInterval: 50 });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.end(true);
});

afterAll(async () => {
  clearInterval(memoryTimer);
  memoryBroker.close();
  await node.close();
});

let counter = 0;
const uniqueId = (label: string) => `${label}-${++counter}`;

/** A client that has not connected yet (call `.connect()`), so listeners can be attached first. */
function create(transport: Transport, options: IClientOptions = {}): MqttClient {
  const settings: IClientOptions = { reconnectPeriod: 0, connectTimeout: 3000, keepalive: 30, ...options, manualConnect: true };
  const client = transport === 'memory'
    ? new MqttClient(() => createBrokerStream(memoryBroker) as never, settings)
    : mqttConnect(transport === 'tcp' ? `mqtt://127.0.0.1:${node.port}` : `ws://127.0.0.1:${node.wsPort}/mqtt`, settings);
  clients.push(client);
  return client;
}

/** Connects; resolves with the CONNACK's Session Present, rejects on error or after 3 s. */
function start(client: MqttClient): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 3000);
    client.once('connect', (connack) => { clearTimeout(timer); resolve(connack.sessionPresent); });
    client.once('error', (error) => { clearTimeout(timer); reject(error); });
    client.connect();
  });
}

async function connect(transport: Transport, options: IClientOptions = {}): Promise<MqttClient> {
  const client = create(transport, options);
  await start(client);
  return client;
}

/** The next `count` messages on a client, or a rejection after `ms`. */
function messages(client: MqttClient, count: number, ms = 3000): Promise<Array<{ topic: string; payload: string; qos: number; retain: boolean }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ topic: string; payload: string; qos: number; retain: boolean }> = [];
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`got ${got.length} of ${count} messages: ${JSON.stringify(got)}`));
    }, ms);
    function onMessage(topic: string, payload: Buffer, packet: { qos: number; retain: boolean }) {
      got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
      if (got.length === count) {
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve(got);
      }
    }
    client.on('message', onMessage);
  });
}

function closed(client: MqttClient, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no close')), ms);
    client.once('close', () => { clearTimeout(timer); resolve(); });
  });
}

const matrix: Array<[Transport, 4 | 5]> = [['memory', 4], ['memory', 5], ['tcp', 4], ['tcp', 5], ['ws', 4], ['ws', 5]];

describe.each(matrix)('MQTT.js over %s, protocol version %i', (transport, protocolVersion) => {
  it('subscribes and receives QoS 0, 1 and 2 messages at the granted QoS', async () => {
    const topic = uniqueId('qos');
    const sub = await connect(transport, { protocolVersion, clientId: uniqueId('sub') });
    const granted = await sub.subscribeAsync(`${topic}/#`, { qos: 2 });
    expect(granted.map((g) => g.qos)).toEqual([2]);
    const pub = await connect(transport, { protocolVersion, clientId: uniqueId('pub') });
    const arriving = messages(sub, 3);
    await pub.publishAsync(`${topic}/0`, 'zero', { qos: 0 });
    await pub.publishAsync(`${topic}/1`, 'one', { qos: 1 });
    await pub.publishAsync(`${topic}/2`, 'two', { qos: 2 });
    expect(await arriving).toEqual([
      { topic: `${topic}/0`, payload: 'zero', qos: 0, retain: false },
      { topic: `${topic}/1`, payload: 'one', qos: 1, retain: false },
      { topic: `${topic}/2`, payload: 'two', qos: 2, retain: false },
    ]);
  });

  it('delivers a retained message to a later subscriber', async () => {
    const topic = uniqueId('retained');
    const pub = await connect(transport, { protocolVersion, clientId: uniqueId('pub') });
    await pub.publishAsync(topic, 'last known value', { qos: 1, retain: true });
    const sub = await connect(transport, { protocolVersion, clientId: uniqueId('sub') });
    const arriving = messages(sub, 1);
    await sub.subscribeAsync(topic, { qos: 1 });
    expect(await arriving).toEqual([{ topic, payload: 'last known value', qos: 1, retain: true }]);
  });

  it('publishes the will when a client vanishes, not when it disconnects', async () => {
    const topic = uniqueId('will');
    const watch = await connect(transport, { protocolVersion, clientId: uniqueId('watch') });
    await watch.subscribeAsync(`${topic}/#`, { qos: 1 });
    const polite = await connect(transport, { protocolVersion, clientId: uniqueId('polite'), will: { topic: `${topic}/polite`, payload: Buffer.from('gone'), qos: 1, retain: false } });
    await polite.endAsync();
    const rude = await connect(transport, { protocolVersion, clientId: uniqueId('rude'), will: { topic: `${topic}/rude`, payload: Buffer.from('gone'), qos: 1, retain: false } });
    const arriving = messages(watch, 1);
    rude.end(true); // destroys the stream: no DISCONNECT
    expect(await arriving).toEqual([{ topic: `${topic}/rude`, payload: 'gone', qos: 1, retain: false }]);
  });

  it('queues QoS 1 messages for an offline persistent session and delivers them on reconnect', async () => {
    const topic = uniqueId('offline');
    const clientId = uniqueId('persistent');
    const persistent = protocolVersion === 5 ? { clean: false, properties: { sessionExpiryInterval: 300 } } : { clean: false };
    const sub = await connect(transport, { protocolVersion, clientId, ...persistent });
    await sub.subscribeAsync(topic, { qos: 1 });
    await sub.endAsync();
    const pub = await connect(transport, { protocolVersion, clientId: uniqueId('pub') });
    for (const n of [1, 2, 3]) await pub.publishAsync(topic, `m${n}`, { qos: 1 });
    const client = create(transport, { protocolVersion, clientId, ...persistent });
    const arriving = messages(client, 3);
    expect(await start(client)).toBe(true);
    expect((await arriving).map((m) => m.payload)).toEqual(['m1', 'm2', 'm3']);
  });

  it('closes the first connection when a second client takes its client id', async () => {
    const clientId = uniqueId('same');
    const first = await connect(transport, { protocolVersion, clientId });
    const firstClosed = closed(first);
    const reason = new Promise<number | undefined>((resolve) => first.once('disconnect', (packet) => resolve(packet.reasonCode)));
    const second = await connect(transport, { protocolVersion, clientId });
    await firstClosed;
    expect(second.connected).toBe(true);
    if (protocolVersion === 5) expect(await reason).toBe(0x8e);
  });
});

describe('MQTT.js, more', () => {
  it('connects with MQTT 3.1 (MQIsdp) over the in-memory duplex', async () => {
    const client = await connect('memory', { protocolId: 'MQIsdp', protocolVersion: 3, clientId: uniqueId('v31') });
    const topic = uniqueId('v31');
    await client.subscribeAsync(topic, { qos: 1 });
    const arriving = messages(client, 1);
    await client.publishAsync(topic, 'hello 3.1', { qos: 1 });
    expect((await arriving)[0]?.payload).toBe('hello 3.1');
  });

  it('accepts MQTT over WebSocket on / as well as /mqtt, and nothing else', async () => {
    const root = await connectAsync(`ws://127.0.0.1:${node.wsPort}/`, { clientId: uniqueId('root'), reconnectPeriod: 0, connectTimeout: 3000 });
    clients.push(root);
    expect(root.connected).toBe(true);
    await expect(connectAsync(`ws://127.0.0.1:${node.wsPort}/elsewhere`, { clientId: uniqueId('nowhere'), reconnectPeriod: 0, connectTimeout: 2000 }, false)).rejects.toThrow();
  });

  it('carries a topic of 150 levels end to end over TCP (Aedes stops at 100)', async () => {
    const topic = Array.from({ length: 150 }, (_, i) => `level${i}`).join('/');
    const sub = await connect('tcp', { protocolVersion: 5, clientId: uniqueId('deep-sub') });
    await sub.subscribeAsync([`${topic.split('/').slice(0, 110).join('/')}/#`, topic.replace(/level7\b/, '+')], { qos: 1 });
    // Both filters match: a 5.0 client gets one copy (MQTT-3.3.4-2).
    const arriving = messages(sub, 1);
    const pub = await connect('tcp', { protocolVersion: 4, clientId: uniqueId('deep-pub') });
    await pub.publishAsync(topic, 'deep', { qos: 1 });
    expect((await arriving).map((m) => [m.topic.split('/').length, m.payload])).toEqual([[150, 'deep']]);
  });

  it('serves several in-memory clients at once', async () => {
    const topic = uniqueId('fan');
    const subs = await Promise.all([1, 2, 3, 4].map((n) => connect('memory', { protocolVersion: 5, clientId: uniqueId(`fan${n}`) })));
    await Promise.all(subs.map((s) => s.subscribeAsync(topic, { qos: 1 })));
    const arriving = subs.map((s) => messages(s, 1));
    const pub = await connect('memory', { protocolVersion: 5, clientId: uniqueId('fan-pub') });
    await pub.publishAsync(topic, 'to all', { qos: 1 });
    for (const got of await Promise.all(arriving)) expect(got[0]?.payload).toBe('to all');
  });

  it('round-trips 5.0 topic aliases both ways with MQTT.js', async () => {
    const topic = uniqueId('alias/with/a/rather/long/topic/name');
    const sub = await connect('memory', { protocolVersion: 5, clientId: uniqueId('alias-sub'), properties: { topicAliasMaximum: 5 } });
    await sub.subscribeAsync(topic, { qos: 0 });
    const pubId = uniqueId('alias-pub');
    const pub = await connect('memory', { protocolVersion: 5, clientId: pubId, autoAssignTopicAlias: true });
    const aliases: Array<[string, number]> = [];
    const emptyTopics: Array<[string, string]> = [];
    const off = [
      memoryBroker.events.on('topic-alias', (e) => { if (e.topic === topic) aliases.push([e.direction, e.alias]); }),
      memoryBroker.events.on('packet', (e) => { if (e.packet.type === 'PUBLISH' && e.packet.topic === '') emptyTopics.push([e.direction, String(e.clientId)]); }),
    ];
    const arriving = messages(sub, 3);
    for (const n of [1, 2, 3]) await pub.publishAsync(topic, `${n}`, { qos: 0 });
    expect((await arriving).map((m) => [m.topic, m.payload])).toEqual([[topic, '1'], [topic, '2'], [topic, '3']]);
    for (const f of off) f();
    expect(aliases).toEqual([['in', 1], ['out', 1]]);
    // Messages 2 and 3 travelled with the alias only, in both directions.
    expect(emptyTopics.filter(([d]) => d === 'in')).toHaveLength(2);
    expect(emptyTopics.filter(([d]) => d === 'out')).toHaveLength(2);
  });

  it('reproduces the duplicate client id reconnect loop with real MQTT.js clients', async () => {
    const clientId = uniqueId('flapping');
    const takeovers: string[] = [];
    const off = memoryBroker.events.on('client-taken-over', (event) => {
      if (event.clientId === clientId) takeovers.push(event.newConnectionId);
    });
    const a = new MqttClient(() => createBrokerStream(memoryBroker) as never, { clientId, reconnectPeriod: 50, keepalive: 30 });
    const b = new MqttClient(() => createBrokerStream(memoryBroker) as never, { clientId, reconnectPeriod: 50, keepalive: 30 });
    clients.push(a, b);
    await new Promise((resolve) => setTimeout(resolve, 600));
    off();
    // Each reconnect knocks the other client off, which reconnects and knocks this one off…
    expect(takeovers.length).toBeGreaterThanOrEqual(4);
  });
});
