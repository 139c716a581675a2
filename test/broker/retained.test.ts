import { describe, expect, it } from 'vitest';
import { connected, setup, str } from './helpers.ts';

describe('retained messages', () => {
  it('stores a retained message and sends it with RETAIN=1 to a new subscription (MQTT-3.3.1-8)', () => {
    const bed = setup();
    connected(bed, 'pub', 4).publish('sensors/t1', '21.5', 1, { retain: true });
    expect(bed.eventsOf('retained-set').map((e) => e.topic)).toEqual(['sensors/t1']);
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('sensors/+', 1);
    const [message] = sub.publishes();
    expect(message).toMatchObject({ topic: 'sensors/t1', retain: true, qos: 1 });
    expect(str(message!.payload)).toBe('21.5');
  });

  it('replaces the retained message of a topic with the newest one', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 4);
    pub.publish('t', 'old', 0, { retain: true });
    pub.publish('t', 'new', 0, { retain: true });
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 0);
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['new']);
  });

  it('clears the retained message on an empty retained PUBLISH, and still forwards it (MQTT-3.3.1-10/-11)', () => {
    const bed = setup();
    const live = connected(bed, 'live', 4);
    live.subscribe('t', 0);
    const pub = connected(bed, 'pub', 4);
    pub.publish('t', 'x', 0, { retain: true });
    pub.publish('t', '', 0, { retain: true });
    expect(live.publishes().map((p) => p.payload.length)).toEqual([1, 0]);
    expect(bed.eventsOf('retained-cleared')).toMatchObject([{ topic: 't', why: 'empty-payload' }]);
    expect(bed.broker.inspect().retained).toEqual([]);
    const late = connected(bed, 'late', 4);
    late.subscribe('t', 0);
    expect(late.publishes()).toEqual([]);
  });

  it('does not touch the retained message for a PUBLISH with RETAIN=0 (MQTT-3.3.1-12)', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 4);
    pub.publish('t', 'kept', 0, { retain: true });
    pub.publish('t', 'not retained', 0);
    pub.publish('t', '', 0);
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 0);
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['kept']);
  });

  it('forwards RETAIN=0 to established 3.1.1 subscriptions (MQTT-3.3.1-9)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 0);
    connected(bed, 'pub', 4).publish('t', 'x', 0, { retain: true });
    expect(sub.publishes().map((p) => p.retain)).toEqual([false]);
  });

  it('keeps RETAIN for 5.0 subscriptions with Retain As Published (MQTT-3.3.1-12/-13)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe([{ topicFilter: 'rap', retainAsPublished: true }, { topicFilter: 'plain' }], 0);
    const pub = connected(bed, 'pub', 5);
    pub.publish('rap', 'x', 0, { retain: true });
    pub.publish('plain', 'x', 0, { retain: true });
    expect(sub.publishes().map((p) => [p.topic, p.retain])).toEqual([['rap', true], ['plain', false]]);
  });

  it('follows Retain Handling 0, 1 and 2 (MQTT-3.3.1-9/-10/-11 in 5.0)', () => {
    const bed = setup();
    connected(bed, 'pub', 5).publish('r', 'retained', 0, { retain: true });
    const sub = connected(bed, 'sub', 5);
    const count = (retainHandling: 0 | 1 | 2) => {
      sub.subscribe([{ topicFilter: 'r', retainHandling }], 0);
      return sub.publishes().length;
    };
    expect(count(1)).toBe(1); // new subscription: sent
    expect(count(1)).toBe(0); // existing subscription: not sent
    expect(count(0)).toBe(1); // always sent, also when replacing (MQTT-3.8.4-4)
    expect(count(2)).toBe(0); // never sent
  });

  it('sends retained messages at the lower of their QoS and the granted QoS', () => {
    const bed = setup();
    connected(bed, 'pub', 4).publish('r', 'x', 2, { retain: true });
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('r', 1);
    expect(sub.publishes().map((p) => p.qos)).toEqual([1]);
  });

  it('does not send retained messages to shared subscriptions', () => {
    const bed = setup();
    connected(bed, 'pub', 5).publish('jobs/1', 'x', 0, { retain: true });
    const sub = connected(bed, 'sub', 5);
    expect(sub.subscribe('$share/workers/jobs/+', 1).reasonCodes).toEqual([1]);
    expect(sub.publishes()).toEqual([]);
  });

  it('lets a retained message expire with its Message Expiry Interval', () => {
    const bed = setup();
    connected(bed, 'pub', 5).publish('r', 'short-lived', 0, { retain: true, properties: { messageExpiryInterval: 5 } });
    bed.advance(2000);
    const early = connected(bed, 'early', 5);
    early.subscribe('r', 0);
    const [message] = early.publishes();
    expect(message?.properties?.messageExpiryInterval).toBe(3);
    bed.advance(3000);
    expect(bed.eventsOf('retained-cleared').map((e) => e.why)).toEqual(['expired']);
    const late = connected(bed, 'late', 5);
    late.subscribe('r', 0);
    expect(late.publishes()).toEqual([]);
  });

  it('keeps retained messages when the session that published them ends', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 4);
    pub.publish('r', 'x', 0, { retain: true });
    pub.disconnect();
    expect(bed.broker.inspect().sessions).toEqual([]);
    expect(bed.broker.inspect().retained.map((m) => m.topic)).toEqual(['r']);
  });
});
