/**
 * Every guided experiment, every parameter combination, with real MQTT.js clients on the broker
 * core over createBrokerStream: what the lab observes must be what the specifications say.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { allParams, EXPERIMENTS, experimentById, runExperiment } from '../../src/mqtt/lab/experiments.ts';
import { Lab } from '../../src/mqtt/lab/lab.ts';
import { labSay } from '../../src/components/broker-lab/text.ts';
import { decodeAll } from '../../src/mqtt/codec/index.ts';

const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));

let lab: Lab | null = null;
afterEach(() => { lab?.dispose(); lab = null; });

const newLab = () => (lab = new Lab({ MqttClient: mqtt.MqttClient as never }));
const name = (params: Record<string, string>) => Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ') || '(no parameters)';

describe.each(EXPERIMENTS.map((e) => [e.id, e] as const))('experiment %s', (_id, def) => {
  it.each(allParams(def).map((p) => [name(p), p] as const))('%s', async (_label, params) => {
    const result = await runExperiment(newLab(), def, params);
    expect(result.completed).toBe(true);
    expect(def.choices(params)).toContain(result.expected);
    expect(result.outcome).toBe(result.expected);
  });
});

describe('what the experiments show, in detail', () => {
  it('offline QoS 1 with a persistent session: queued while offline, delivered on reconnect with Session Present', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('session')!, { version: '3.1.1', session: 'persistent', qos: '1', sub: 'offline' });
    const queued = l.record.events.filter((e) => e.type === 'message-queued');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ clientId: 'subscriber', topic: 'lab/news', qos: 1, why: 'offline' });
    expect(l.record.connacks.filter((c) => c.label === 'B').map((c) => c.sessionPresent)).toEqual([false, true]);
    const got = l.client('B').received;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ payload: 'hello', qos: 1, connection: 2 });
    // The log has the real bytes of the delivery, for the decoder.
    const delivery = l.getView().log.find((e) => e.kind === 'packet' && e.label === 'B' && e.direction === 'to-client' && e.type === 'PUBLISH');
    expect(delivery?.hex).toMatch(/^32/);
    expect(labSay('en', delivery!.summary)).toContain('"hello"');
  });

  it('offline QoS 0: dropped by the broker (mosquitto\'s default), not queued', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('session')!, { version: '3.1.1', session: 'persistent', qos: '0', sub: 'offline' });
    expect(l.record.events.filter((e) => e.type === 'message-dropped').map((e) => (e as { why: string }).why)).toEqual(['qos0-offline']);
  });

  it('keepalive: the silent client is closed 15 s after its last packet and its will goes out', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('keepalive')!, { client: 'silent' });
    const expired = l.record.events.find((e) => e.type === 'keepalive-expired')!;
    expect(expired.time).toBe(15_000);
    expect(l.client('B').received.map((m) => [m.payload, m.time])).toEqual([['offline', 15_000]]);
  });

  it('keepalive: a pinging client sends PINGREQ every 10 virtual seconds and stays', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('keepalive')!, { client: 'pinging' });
    const pings = l.getView().log.filter((e) => e.type === 'PINGREQ' && e.label === 'A').map((e) => e.time);
    expect(pings).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(l.client('A').status).toBe('online');
  });

  it('will delay: published 30 s after the drop, unless the client comes back first', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('will-delay')!, { back: 'no' });
    expect(l.client('B').received.map((m) => m.time)).toEqual([30_000]);
    await runExperiment(l, experimentById('will-delay')!, { back: 'yes' });
    expect(l.record.events.some((e) => e.type === 'will-discarded')).toBe(true);
  });

  it('same client id: every reconnect takes over the other connection', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('client-id')!, { ids: 'same' });
    expect(l.record.events.filter((e) => e.type === 'client-taken-over')).toHaveLength(4);
  });

  it('3.1.1 empty client id with Clean Session 0: refused with 0x02 Identifier rejected', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('empty-id')!, { variant: '3.1.1-persistent' });
    expect(l.record.connacks).toMatchObject([{ label: 'A', reasonCode: 2 }]);
  });

  it('session expiry: the session and its queued message are gone after 60 s', async () => {
    const l = newLab();
    await runExperiment(l, experimentById('session-expiry')!, { back: '120' });
    expect(l.record.events.find((e) => e.type === 'session-expired' && e.clientId === 'subscriber')?.time).toBe(60_000);
    expect(l.record.connacks.filter((c) => c.label === 'B').map((c) => c.sessionPresent)).toEqual([false, false]);
  });
});

describe('enhanced authentication (SCRAM-SHA-256) with a real MQTT.js client', () => {
  const packets = (l: Lab) => l.getView().log.filter((e) => e.kind === 'packet' && e.label === 'A').map((e) => `${e.direction === 'to-broker' ? '→' : '←'} ${e.type}`);
  const decoded = (l: Lab, type: string, direction: 'to-broker' | 'to-client') => {
    const row = l.getView().log.find((e) => e.type === type && e.direction === direction && e.label === 'A')!;
    return decodeAll(hexToBytes(row.hex!), { protocolVersion: 5 }).packets[0]!.packet as { reasonCode?: number; properties?: { authenticationMethod?: string; authenticationData?: Uint8Array } };
  };
  const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

  it('the right password: CONNECT → AUTH 0x18 → AUTH 0x18 → CONNACK 0x00, each naming the method, the broker proving itself last', async () => {
    const l = newLab();
    const result = await runExperiment(l, experimentById('enhanced-auth')!, { password: 'right' });
    expect(result).toMatchObject({ outcome: 'accepted', expected: 'accepted' });
    expect(packets(l)).toEqual(['→ CONNECT', '← AUTH', '→ AUTH', '← CONNACK']);
    const connect = decoded(l, 'CONNECT', 'to-broker');
    expect(connect.properties?.authenticationMethod).toBe('SCRAM-SHA-256');
    expect(text(connect.properties?.authenticationData)).toMatch(/^n,,n=reader,r=\S+$/);
    const challenge = decoded(l, 'AUTH', 'to-client');
    expect(challenge.reasonCode).toBe(0x18);
    expect(text(challenge.properties?.authenticationData)).toMatch(/^r=\S+,s=\S+,i=4096$/);
    const proof = decoded(l, 'AUTH', 'to-broker');
    expect(proof).toMatchObject({ reasonCode: 0x18, properties: { authenticationMethod: 'SCRAM-SHA-256' } });
    expect(text(proof.properties?.authenticationData)).toMatch(/^c=biws,r=\S+,p=\S+$/);
    const connack = decoded(l, 'CONNACK', 'to-client');
    expect(connack.reasonCode).toBe(0);
    expect(text(connack.properties?.authenticationData)).toMatch(/^v=\S+$/);
    expect(l.client('A').status).toBe('online');
    // The log says it in words too: the method and the data on each row.
    const auth = l.getView().log.find((e) => e.type === 'AUTH' && e.direction === 'to-client')!;
    expect(labSay('en', auth.summary)).toContain('AUTH 0x18 Continue authentication (Authentication Method SCRAM-SHA-256, Authentication Data “r=');
  });

  it('a wrong password: the same exchange up to the proof, then CONNACK 0x86 and no session', async () => {
    const l = newLab();
    const result = await runExperiment(l, experimentById('enhanced-auth')!, { password: 'wrong' });
    expect(result).toMatchObject({ outcome: 'bad-credentials', expected: 'bad-credentials' });
    expect(packets(l)).toEqual(['→ CONNECT', '← AUTH', '→ AUTH', '← CONNACK']);
    expect(decoded(l, 'CONNACK', 'to-client').reasonCode).toBe(0x86);
    expect(l.record.events.some((e) => e.type === 'session-created')).toBe(false);
    expect(l.client('A').status).toBe('offline');
    expect(labSay('en', l.client('A').error!)).toContain('0x86');
  });
});
