import { describe, expect, it } from 'vitest';
import type { QoS } from '../../src/mqtt/codec/index.ts';
import { connected, setup, str } from './helpers.ts';

const cells: Array<[boolean, QoS]> = [[true, 0], [true, 1], [true, 2], [false, 0], [false, 1], [false, 2]];

describe('sessions: Clean Session × QoS', () => {
  it.each(cells)('online: clean session %s, QoS %i is delivered at QoS %i', (clean, qos) => {
    const bed = setup();
    const subscriber = connected(bed, 'sub', 4, { cleanSession: clean });
    subscriber.subscribe('t', 2);
    const publisher = connected(bed, 'pub', 4);
    publisher.publish('t', 'hello', qos);
    const [message, ...rest] = subscriber.publishes();
    expect(rest).toEqual([]);
    expect(message).toMatchObject({ topic: 't', qos, dup: false, retain: false });
    expect(str(message!.payload)).toBe('hello');
  });

  it.each(cells)('offline: clean session %s, QoS %i — kept only for a persistent session and QoS ≥ 1', (clean, qos) => {
    const bed = setup();
    const subscriber = connected(bed, 'sub', 4, { cleanSession: clean });
    subscriber.subscribe('t', 2);
    subscriber.disconnect();
    const publisher = connected(bed, 'pub', 4);
    publisher.publish('t', 'while you were away', qos);
    const back = bed.client(4);
    const connack = back.connect({ clientId: 'sub', cleanSession: clean });
    expect(connack.sessionPresent).toBe(!clean);
    const delivered = back.publishes();
    if (!clean && qos > 0) {
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({ topic: 't', qos, dup: false });
    } else {
      expect(delivered).toEqual([]);
    }
    if (!clean && qos === 0) expect(bed.eventsOf('message-dropped')[0]?.why).toBe('qos0-offline');
  });
});

describe('sessions', () => {
  it('sets Session Present only when a stored session is resumed (MQTT-3.2.2-2/-3)', () => {
    const bed = setup();
    expect(bed.client(4).connect({ clientId: 'a', cleanSession: false }).sessionPresent).toBe(false);
    bed.broker.inspect();
    const again = bed.client(4);
    // The first connection is still open: this is a takeover, and the session carries over.
    expect(again.connect({ clientId: 'a', cleanSession: false }).sessionPresent).toBe(true);
    again.disconnect();
    expect(bed.client(4).connect({ clientId: 'a', cleanSession: true }).sessionPresent).toBe(false);
    expect(bed.eventsOf('session-discarded').map((e) => e.clientId)).toEqual(['a']);
  });

  it('keeps a 3.1.1 Clean Session 0 session forever', () => {
    const bed = setup();
    const client = connected(bed, 'a', 4, { cleanSession: false });
    client.subscribe('x', 1);
    client.drop();
    bed.advance(3_600_000, 60_000);
    const snapshot = bed.broker.inspect();
    expect(snapshot.sessions).toHaveLength(1);
    expect(snapshot.sessions[0]).toMatchObject({ clientId: 'a', online: false, expiresAt: null, expiryInterval: 0xffffffff });
  });

  it('ends a 5.0 session at disconnect when the Session Expiry Interval is 0 (the default)', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5, { cleanSession: false });
    client.subscribe('x', 1);
    client.disconnect();
    expect(bed.broker.inspect().sessions).toEqual([]);
    expect(bed.eventsOf('session-expired').map((e) => e.clientId)).toEqual(['a']);
  });

  it('keeps a 5.0 session for its Session Expiry Interval and then discards it', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5, { cleanSession: true, properties: { sessionExpiryInterval: 10 } });
    client.subscribe('x', 1);
    client.drop();
    const disconnectedAt = bed.clock.now();
    expect(bed.broker.inspect().sessions[0]?.expiresAt).toBe(disconnectedAt + 10_000);
    bed.advance(9_750);
    expect(bed.broker.inspect().sessions).toHaveLength(1);
    bed.advance(250);
    expect(bed.broker.inspect().sessions).toEqual([]);
    expect(bed.eventsOf('session-expired')[0]?.time).toBe(disconnectedAt + 10_000);
    const back = bed.client(5);
    expect(back.connect({ clientId: 'a', cleanSession: false }).sessionPresent).toBe(false);
  });

  it('resumes a 5.0 session reconnected before it expires, with its queued messages', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5, { cleanSession: true, properties: { sessionExpiryInterval: 10 } });
    client.subscribe('x', 1);
    client.drop();
    connected(bed, 'p', 5).publish('x', 'm', 1);
    bed.advance(9_000);
    const back = bed.client(5);
    expect(back.connect({ clientId: 'a', cleanSession: false, properties: { sessionExpiryInterval: 10 } }).sessionPresent).toBe(true);
    expect(back.publishes().map((p) => str(p.payload))).toEqual(['m']);
  });

  it('lets DISCONNECT change the Session Expiry Interval', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5, { properties: { sessionExpiryInterval: 10 } });
    client.disconnect(0, { sessionExpiryInterval: 0 });
    expect(bed.broker.inspect().sessions).toEqual([]);
  });

  it('treats raising the Session Expiry Interval from 0 in DISCONNECT as a Protocol Error', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5);
    client.disconnect(0, { sessionExpiryInterval: 60 });
    expect(client.next('DISCONNECT').reasonCode).toBe(0x82);
    expect(bed.broker.inspect().sessions).toEqual([]);
  });

  it('discards the old session when Clean Start is 1 (MQTT-3.1.2-4)', () => {
    const bed = setup();
    const first = connected(bed, 'a', 5, { properties: { sessionExpiryInterval: 100 } });
    first.subscribe('x', 1);
    first.disconnect();
    const second = bed.client(5);
    expect(second.connect({ clientId: 'a', cleanSession: true, properties: { sessionExpiryInterval: 100 } }).sessionPresent).toBe(false);
    expect(bed.broker.inspect().sessions[0]?.subscriptions).toEqual([]);
  });

  it('queues at most maxQueuedMessages for an offline session and drops the rest', () => {
    const bed = setup({ maxQueuedMessages: 3 });
    const sub = connected(bed, 'sub', 4, { cleanSession: false });
    sub.subscribe('t', 1);
    sub.drop();
    const pub = connected(bed, 'pub', 4);
    for (let i = 1; i <= 5; i++) pub.publish('t', `m${i}`, 1, {}, i);
    expect(bed.eventsOf('message-dropped').map((e) => e.why)).toEqual(['queue-full', 'queue-full']);
    const back = bed.client(4);
    back.connect({ clientId: 'sub', cleanSession: false });
    expect(back.publishes().map((p) => str(p.payload))).toEqual(['m1', 'm2', 'm3']);
  });

  it('queues QoS 0 for offline sessions only when queueQos0Messages is on', () => {
    const bed = setup({ queueQos0Messages: true });
    const sub = connected(bed, 'sub', 4, { cleanSession: false });
    sub.subscribe('t', 0);
    sub.drop();
    connected(bed, 'pub', 4).publish('t', 'q0', 0);
    const back = bed.client(4);
    back.connect({ clientId: 'sub', cleanSession: false });
    expect(back.publishes().map((p) => [p.qos, str(p.payload)])).toEqual([[0, 'q0']]);
  });

  it('shows sessions, subscriptions, queues and in-flight messages in inspect()', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { sessionExpiryInterval: 60 } });
    sub.subscribe('t/#', 2);
    const pub = connected(bed, 'pub', 5);
    pub.publish('t/1', 'in flight', 1);
    sub.drop();
    pub.publish('t/2', 'queued', 2);
    pub.send({ type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: 't/3', packetId: 7, payload: new Uint8Array([1]) });
    const snapshot = bed.broker.inspect();
    const subSession = snapshot.sessions.find((s) => s.clientId === 'sub')!;
    expect(subSession.online).toBe(false);
    expect(subSession.expiresAt).toBe(bed.clock.now() + 60_000);
    expect(subSession.subscriptions).toEqual([{ filter: 't/#', qos: 2, noLocal: false, retainAsPublished: false, retainHandling: 0, subscriptionIdentifier: null, shareGroup: null }]);
    expect(subSession.inflightOut.map((d) => [d.packetId, d.message.topic, d.awaiting])).toEqual([[1, 't/1', 'PUBACK']]);
    expect(subSession.queue.map((d) => [d.message.topic, d.qos])).toEqual([['t/2', 2]]);
    const pubSession = snapshot.sessions.find((s) => s.clientId === 'pub')!;
    expect(pubSession.inflightIn.map((i) => [i.packetId, i.message?.topic])).toEqual([[7, 't/3']]);
    expect(snapshot.connections.map((c) => [c.clientId, c.state])).toEqual([['pub', 'connected']]);
  });
});
