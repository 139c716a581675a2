import { describe, expect, it } from 'vitest';
import { describeBrokerEvent } from '../../src/mqtt/broker/index.ts';
import { connected, setup, str, text } from './helpers.ts';

describe('the host API', () => {
  it('publishes messages from the host itself, retained or not', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('news/#', 1);
    bed.broker.publish({ topic: 'news/today', payload: 'hello from the broker', qos: 1, retain: true });
    expect(sub.publishes().map((p) => [p.topic, p.qos, str(p.payload)])).toEqual([['news/today', 1, 'hello from the broker']]);
    expect(bed.broker.inspect().retained.map((m) => [m.topic, m.publisherClientId])).toEqual([['news/today', null]]);
    expect(() => bed.broker.publish({ topic: 'news/+' })).toThrow(RangeError);
  });

  it('reports when tick() next has work: keepalive, will delay, session expiry', () => {
    const bed = setup();
    const start = bed.clock.now();
    expect(bed.broker.nextDeadline()).toBeNull();
    bed.client(4);
    expect(bed.broker.nextDeadline()).toBe(start + 10_000); // the CONNECT timeout of an idle connection
    const bedNoTimeout = setup({ connectTimeout: 0 });
    bedNoTimeout.client(4);
    expect(bedNoTimeout.broker.nextDeadline()).toBeNull();
    const device = connected(bedNoTimeout, 'd', 5, {
      keepAlive: 60, properties: { sessionExpiryInterval: 100 },
      will: { topic: 'w', payload: text('x'), qos: 0, retain: false, properties: { willDelayInterval: 30 } },
    });
    const t0 = bedNoTimeout.clock.now();
    expect(bedNoTimeout.broker.nextDeadline()).toBe(t0 + 90_000);
    device.drop();
    expect(bedNoTimeout.broker.nextDeadline()).toBe(t0 + 30_000);
    bedNoTimeout.clock.set(t0 + 30_000);
    bedNoTimeout.broker.tick();
    expect(bedNoTimeout.broker.nextDeadline()).toBe(t0 + 100_000);
  });

  it('shuts down: 5.0 clients hear DISCONNECT 0x8B, every connection closes, no wills, no new connections', () => {
    const bed = setup();
    const watcher = connected(bed, 'watcher', 4);
    watcher.subscribe('#', 0);
    const v5 = connected(bed, 'v5', 5, { will: { topic: 'w', payload: text('x'), qos: 0, retain: false } });
    bed.broker.close();
    expect(v5.next('DISCONNECT').reasonCode).toBe(0x8b);
    expect([watcher.closed, v5.closed]).toEqual([true, true]);
    expect(bed.eventsOf('will-published')).toEqual([]);
    const late = bed.client(4);
    expect(late.closed).toBe(true);
    late.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 0, clientId: 'late' });
    expect(late.take()).toEqual([]);
  });

  it('describes every broker event in one line', () => {
    const bed = setup({ maxQueuedMessages: 1 });
    const sub = connected(bed, 'sub', 5, { properties: { sessionExpiryInterval: 5, topicAliasMaximum: 1 } });
    sub.subscribe('t/#', 1);
    const pub = connected(bed, 'pub', 5, { will: { topic: 't/will', payload: text('x'), qos: 0, retain: false } });
    pub.publish('t/a', 'x', 1, { retain: true, properties: { topicAlias: 1 } });
    sub.drop();
    pub.publish('t/b', 'x', 1);
    pub.publish('t/c', 'x', 1);
    pub.publish('t/a', '', 0, { retain: true });
    connected(bed, 'pub', 5);
    bed.advance(6000);
    const lines = bed.events.map(describeBrokerEvent).filter((line): line is string => line !== null);
    expect(lines.length).toBe(bed.events.filter((e) => e.type !== 'packet').length);
    for (const line of lines) expect(line).not.toMatch(/undefined|\[object/);
    expect(lines).toContain('pub published 1 byte on t/a (QoS 1, retained) → 1 subscription');
    expect(lines).toContain('queued t/b for sub (offline; 1 waiting)');
    expect(lines).toContain('dropped t/c for sub: queue-full');
    expect(lines).toContain('pub set topic alias 1 = t/a');
  });
});
