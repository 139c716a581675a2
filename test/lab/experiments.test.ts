/**
 * Every guided experiment, every parameter combination, with real MQTT.js clients on the broker
 * core over createBrokerStream: what the lab observes must be what the specifications say.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { allParams, EXPERIMENTS, experimentById, runExperiment } from '../../src/mqtt/lab/experiments.ts';
import { Lab } from '../../src/mqtt/lab/lab.ts';
import { labSay } from '../../src/components/broker-lab/text.ts';

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
