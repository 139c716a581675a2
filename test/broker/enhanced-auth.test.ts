/**
 * Enhanced authentication (5.0 §4.12): the AUTH exchange between CONNECT and CONNACK, with the
 * SCRAM-SHA-256 authenticator on Web Crypto and a synchronous one; re-authentication; the same
 * exchange over TCP with a raw client and with MQTT.js (its `handleAuth` hook).
 */
import { MqttClient, connect as mqttConnect, type IConnackPacket } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeBroker, type NodeBroker } from '../../src/cli/node-broker.ts';
import { ScramClient, scramCredentials, scramSha256Authenticator, SCRAM_SHA_256, type ScramCredentials } from '../../src/mqtt/broker/scram.ts';
import type { EnhancedAuthenticator } from '../../src/mqtt/broker/types.ts';
import type { AuthPacket, ConnackPacket, ConnectPacket, Packet } from '../../src/mqtt/codec/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { setup, type FakeClient } from './helpers.ts';

const users = new Map<string, ScramCredentials>();
beforeAll(async () => {
  users.set('alice', await scramCredentials('wonderland', new TextEncoder().encode('alice-salt-16byt'), 4096));
  users.set('bob', await scramCredentials('builder', new TextEncoder().encode('bob-salt-16bytes'), 4096));
});

const scram = () => scramSha256Authenticator({ lookup: (name) => users.get(name), nonce: () => 'server-nonce' });

/** Waits (bounded) until the fake client has received `count` packets or is closed. */
async function received(client: FakeClient, count: number, timeoutMs = 3000): Promise<Packet[]> {
  const deadline = Date.now() + timeoutMs;
  while (client.inbox.length < count && !client.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return client.take();
}

function connectPacket(clientId: string, data: Uint8Array, method = SCRAM_SHA_256): ConnectPacket {
  return { type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId, properties: { authenticationMethod: method, authenticationData: data } };
}
const auth = (reasonCode: number, data?: Uint8Array, method = SCRAM_SHA_256): AuthPacket => ({
  type: 'AUTH', reasonCode, properties: { authenticationMethod: method, ...(data === undefined ? {} : { authenticationData: data }) },
});

/** Runs the whole SCRAM exchange on an in-memory client; returns the CONNACK. */
async function scramConnect(client: FakeClient, user: string, password: string, clientId = 'c'): Promise<ConnackPacket> {
  const scramClient = new ScramClient(user, password, 'client-nonce');
  client.send(connectPacket(clientId, scramClient.first()));
  const [challenge] = await received(client, 1);
  expect(challenge).toMatchObject({ type: 'AUTH', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256 } });
  client.send(auth(0x18, await scramClient.final((challenge as AuthPacket).properties!.authenticationData!)));
  const [connack] = await received(client, 1);
  expect(connack?.type).toBe('CONNACK');
  if ((connack as ConnackPacket).reasonCode === 0) expect(scramClient.verify((connack as ConnackPacket).properties?.authenticationData)).toBe(true);
  return connack as ConnackPacket;
}

describe('enhanced authentication with SCRAM-SHA-256 (5.0 §4.12)', () => {
  it('runs CONNECT → AUTH 0x18 → AUTH 0x18 → CONNACK 0x00 with the server signature the client can verify', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    const connack = await scramConnect(client, 'alice', 'wonderland');
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.authenticationMethod).toBe(SCRAM_SHA_256);
    expect(bed.eventsOf('client-connected').map((e) => e.clientId)).toEqual(['c']);
    // Connected for real: it can publish.
    client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 't', packetId: 1, payload: new Uint8Array([1]) });
    expect(client.take().map((p) => p.type)).toEqual(['PUBACK']);
  });

  it('refuses a wrong password with CONNACK 0x86 and closes, creating no session', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    const connack = await scramConnect(client, 'alice', 'looking-glass');
    expect(connack.reasonCode).toBe(0x86);
    expect(client.closed).toBe(true);
    expect(bed.broker.inspect().sessions).toEqual([]);
  });

  it('refuses an unknown user the same way, after a challenge (no hint who exists)', async () => {
    const bed = setup({ authenticators: [scram()] });
    const connack = await scramConnect(bed.client(5), 'mallory', 'x');
    expect(connack.reasonCode).toBe(0x86);
  });

  it('answers a method it does not offer with CONNACK 0x8C (MQTT-4.12.0-1)', () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    client.send(connectPacket('c', new Uint8Array([1]), 'KERBEROS'));
    expect(client.next('CONNACK').reasonCode).toBe(0x8c);
    expect(client.closed).toBe(true);
  });

  it('an AUTH naming another method is a Protocol Error: CONNACK 0x82 before CONNACK', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    client.send(connectPacket('c', new ScramClient('alice', 'wonderland').first()));
    await received(client, 1);
    client.send(auth(0x18, new Uint8Array([1]), 'OTHER'));
    expect((await received(client, 1)).map((p) => p.type === 'CONNACK' && p.reasonCode)).toEqual([0x82]);
    expect(client.closed).toBe(true);
  });

  it('a PUBLISH before the exchange has finished closes the connection without CONNACK', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    client.send(connectPacket('c', new ScramClient('alice', 'wonderland').first()));
    await received(client, 1);
    client.send({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array(0) });
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
  });
});

describe('re-authentication (5.0 §4.12.1)', () => {
  it('AUTH 0x19 → AUTH 0x18 → AUTH 0x18 → AUTH 0x00, while the connection keeps working', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    expect((await scramConnect(client, 'alice', 'wonderland')).reasonCode).toBe(0);
    const again = new ScramClient('alice', 'wonderland', 'second-nonce');
    client.send(auth(0x19, again.first()));
    // A PUBLISH right behind the AUTH is held while the step is computed, then handled in order.
    client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 't', packetId: 9, payload: new Uint8Array([1]) });
    const [challenge, puback] = await received(client, 2);
    expect(challenge).toMatchObject({ type: 'AUTH', reasonCode: 0x18 });
    expect(puback).toMatchObject({ type: 'PUBACK', packetId: 9 });
    client.send(auth(0x18, await again.final((challenge as AuthPacket).properties!.authenticationData!)));
    const [done] = await received(client, 1);
    expect(done).toMatchObject({ type: 'AUTH', reasonCode: 0x00, properties: { authenticationMethod: SCRAM_SHA_256 } });
    expect(again.verify((done as AuthPacket).properties?.authenticationData)).toBe(true);
    expect(client.closed).toBe(false);
  });

  it('a failed re-authentication gets DISCONNECT 0x87 (DISCONNECT has no 0x86) and closes', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    await scramConnect(client, 'alice', 'wonderland');
    const wrong = new ScramClient('alice', 'guess', 'n2');
    client.send(auth(0x19, wrong.first()));
    const [challenge] = await received(client, 1);
    client.send(auth(0x18, await wrong.final((challenge as AuthPacket).properties!.authenticationData!)));
    const [disconnect] = await received(client, 1);
    expect(disconnect).toMatchObject({ type: 'DISCONNECT', reasonCode: 0x87 });
    expect(client.closed).toBe(true);
  });

  it('re-authenticating as another user is refused with DISCONNECT 0x87', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    await scramConnect(client, 'alice', 'wonderland');
    const bob = new ScramClient('bob', 'builder', 'n3');
    client.send(auth(0x19, bob.first()));
    const [challenge] = await received(client, 1);
    client.send(auth(0x18, await bob.final((challenge as AuthPacket).properties!.authenticationData!)));
    expect((await received(client, 1))[0]).toMatchObject({ type: 'DISCONNECT', reasonCode: 0x87 });
  });

  it('AUTH 0x18 with no re-authentication in progress is a Protocol Error (0x82)', async () => {
    const bed = setup({ authenticators: [scram()] });
    const client = bed.client(5);
    await scramConnect(client, 'alice', 'wonderland');
    client.send(auth(0x18, new Uint8Array([1])));
    expect(client.take()[0]).toMatchObject({ type: 'DISCONNECT', reasonCode: 0x82 });
  });
});

describe('a synchronous authenticator (a shared token, one round)', () => {
  const token: EnhancedAuthenticator = {
    method: 'TOKEN',
    start: () => {
      let asked = false;
      return {
        step(data) {
          if (!asked) { asked = true; return { status: 'continue', data: new TextEncoder().encode('token?') }; }
          return new TextDecoder().decode(data) === 'let-me-in' ? { status: 'success' } : { status: 'failure', reasonCode: 0x87 };
        },
      };
    },
  };

  it('completes without any waiting', () => {
    const bed = setup({ authenticators: [token] });
    const client = bed.client(5);
    client.send(connectPacket('t', new Uint8Array(0), 'TOKEN'));
    expect(client.next('AUTH').reasonCode).toBe(0x18);
    client.send(auth(0x18, new TextEncoder().encode('let-me-in'), 'TOKEN'));
    const connack = client.next('CONNACK');
    expect([connack.reasonCode, connack.properties?.authenticationMethod]).toEqual([0, 'TOKEN']);
  });
});

describe('over TCP', () => {
  let node: NodeBroker;
  beforeAll(async () => {
    node = await startNodeBroker({ port: 0, wsPort: null, host: '127.0.0.1', tickInterval: 50, broker: { authenticators: [scram()] } });
  });
  afterAll(async () => { await node.close(); });

  it('a raw client completes the SCRAM exchange and re-authenticates', async () => {
    const scramClient = new ScramClient('alice', 'wonderland');
    const client = await RawClient.open(node.port!, { version: 5 });
    try {
      client.send(connectPacket('raw-scram', scramClient.first()));
      const challenge = await client.waitFor((p): p is AuthPacket => p.type === 'AUTH', 3000);
      client.send(auth(0x18, await scramClient.final(challenge.properties!.authenticationData!)));
      const connack = await client.waitFor((p): p is ConnackPacket => p.type === 'CONNACK', 3000);
      expect(connack.reasonCode).toBe(0);
      expect(scramClient.verify(connack.properties?.authenticationData)).toBe(true);
      const again = new ScramClient('alice', 'wonderland');
      const from = client.received.length;
      client.send(auth(0x19, again.first()));
      const second = await client.waitFor((p): p is AuthPacket => p.type === 'AUTH', 3000, from);
      client.send(auth(0x18, await again.final(second.properties!.authenticationData!)));
      const done = await client.waitFor((p): p is AuthPacket => p.type === 'AUTH' && p.reasonCode === 0, 3000, from + 1);
      expect(again.verify(done.properties?.authenticationData)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('MQTT.js connects through the exchange with its handleAuth hook', async () => {
    const scramClient = new ScramClient('alice', 'wonderland');
    const client = mqttConnect(`mqtt://127.0.0.1:${node.port}`, {
      protocolVersion: 5, clientId: 'mqttjs-scram', reconnectPeriod: 0, connectTimeout: 5000,
      properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: Buffer.from(scramClient.first()) },
      manualConnect: true,
    });
    client.handleAuth = (packet, callback) => {
      const data = packet.properties?.authenticationData;
      if (data === undefined) { callback(new Error('no data in AUTH')); return; }
      scramClient.final(data).then((final) => callback(undefined, {
        cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: Buffer.from(final) },
      }), (error: Error) => callback(error));
    };
    try {
      const connack = await new Promise<IConnackPacket>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('MQTT.js did not connect')), 5000);
        client.once('connect', (packet) => { clearTimeout(timer); resolve(packet); });
        client.once('error', (error) => { clearTimeout(timer); reject(error); });
        client.connect();
      });
      expect(connack.reasonCode ?? 0).toBe(0);
      expect(scramClient.verify(connack.properties?.authenticationData)).toBe(true);
      await client.publishAsync('scram/ok', 'x', { qos: 1 });
    } finally {
      client.end(true);
    }
  });

  it('MQTT.js with a wrong password is refused (CONNACK 0x86)', async () => {
    const scramClient = new ScramClient('alice', 'nope');
    const client: MqttClient = mqttConnect(`mqtt://127.0.0.1:${node.port}`, {
      protocolVersion: 5, clientId: 'mqttjs-scram-bad', reconnectPeriod: 0, connectTimeout: 5000,
      properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: Buffer.from(scramClient.first()) },
      manualConnect: true,
    });
    client.handleAuth = (packet, callback) => {
      scramClient.final(packet.properties!.authenticationData!).then((final) => callback(undefined, {
        cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: Buffer.from(final) },
      }));
    };
    try {
      const error = await new Promise<Error & { code?: number }>((resolve) => {
        client.once('error', resolve);
        client.connect();
      });
      expect(error.code).toBe(0x86);
    } finally {
      client.end(true);
    }
  });
});
