import { describe, expect, it } from 'vitest';
import type { PublishPacket } from '../../src/mqtt/codec/index.ts';
import { connected, setup, str, text } from './helpers.ts';

const publish = (topic: string, payload: string, extra: Partial<PublishPacket> = {}): PublishPacket =>
  ({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic, payload: text(payload), ...extra });

describe('5.0 topic aliases', () => {
  it('accepts a topic alias from the client and resolves later PUBLISHes that use only the alias', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('long/topic/name', 0);
    const pub = connected(bed, 'pub', 5);
    pub.send(publish('long/topic/name', 'one', { properties: { topicAlias: 3 } }));
    pub.send(publish('', 'two', { properties: { topicAlias: 3 } }));
    expect(sub.publishes().map((p) => [p.topic, str(p.payload)])).toEqual([['long/topic/name', 'one'], ['long/topic/name', 'two']]);
    expect(bed.eventsOf('topic-alias')).toMatchObject([{ direction: 'in', alias: 3, topic: 'long/topic/name' }]);
  });

  it('answers an alias above its Topic Alias Maximum with DISCONNECT 0x94', () => {
    const bed = setup({ topicAliasMaximum: 2 });
    const pub = connected(bed, 'pub', 5);
    pub.send(publish('t', 'x', { properties: { topicAlias: 3 } }));
    expect(pub.next('DISCONNECT').reasonCode).toBe(0x94);
  });

  it('answers Topic Alias 0 with DISCONNECT 0x94', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 5);
    // PUBLISH "t", properties: Topic Alias (0x23) = 0.
    pub.raw('30 07 00 01 74 03 23 00 00');
    expect(pub.next('DISCONNECT').reasonCode).toBe(0x94);
  });

  it('answers an alias that was never set with DISCONNECT 0x82', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 5);
    pub.send(publish('', 'x', { properties: { topicAlias: 1 } }));
    expect(pub.next('DISCONNECT').reasonCode).toBe(0x82);
  });

  it('does not carry client aliases over to a new connection (MQTT-3.3.2-7)', () => {
    const bed = setup();
    connected(bed, 'pub', 5).send(publish('t', 'x', { properties: { topicAlias: 1 } }));
    const again = connected(bed, 'pub', 5);
    again.send(publish('', 'y', { properties: { topicAlias: 1 } }));
    expect(again.next('DISCONNECT').reasonCode).toBe(0x82);
  });

  it('uses aliases towards a client that allows them: name + alias first, then alias only, least recently used reused', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { topicAliasMaximum: 2 } });
    sub.subscribe('#', 0);
    const pub = connected(bed, 'pub', 5);
    for (const topic of ['a', 'b', 'a', 'c', 'a', 'b']) pub.publish(topic, topic);
    expect(sub.publishes().map((p) => [p.topic, p.properties?.topicAlias, str(p.payload)])).toEqual([
      ['a', 1, 'a'],
      ['b', 2, 'b'],
      ['', 1, 'a'],
      ['c', 2, 'c'], // all taken: b (least recently used) gives its alias to c
      ['', 1, 'a'],
      ['b', 2, 'b'],
    ]);
    expect(bed.eventsOf('topic-alias').filter((e) => e.direction === 'out').map((e) => [e.alias, e.topic, e.replaced])).toEqual([
      [1, 'a', undefined], [2, 'b', undefined], [2, 'c', 'b'], [2, 'b', 'c'],
    ]);
  });

  it('sends no aliases to a client that did not set a Topic Alias Maximum (MQTT-3.1.2-27)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('#', 0);
    const pub = connected(bed, 'pub', 5);
    pub.publish('a', 'x');
    pub.publish('a', 'y');
    expect(sub.publishes().map((p) => [p.topic, p.properties?.topicAlias])).toEqual([['a', undefined], ['a', undefined]]);
  });
});

describe('5.0 subscription options and identifiers', () => {
  it('sends the Subscription Identifiers of every matching subscription in one copy (MQTT-3.3.4-3/-4)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('a/+', 1, { subscriptionIdentifiers: [7] }, 1);
    sub.subscribe('a/#', 1, { subscriptionIdentifiers: [42] }, 2);
    sub.subscribe('a/b', 1, undefined, 3);
    connected(bed, 'pub', 5).publish('a/b', 'x', 0);
    const ids = sub.publishes().map((p) => [...(p.properties?.subscriptionIdentifiers ?? [])].sort((a, b) => a - b));
    expect(ids).toEqual([[7, 42]]);
  });

  it('sends the Subscription Identifier of the one matching subscription (MQTT-3.3.4-3)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('a/+', 1, { subscriptionIdentifiers: [7] }, 1);
    sub.subscribe('b/#', 1, { subscriptionIdentifiers: [42] }, 2);
    connected(bed, 'pub', 5).publish('a/b', 'x', 0);
    expect(sub.publishes().map((p) => p.properties?.subscriptionIdentifiers)).toEqual([[7]]);
  });

  it('refuses Subscription Identifiers when they are switched off, with DISCONNECT 0xA1', () => {
    const bed = setup({ subscriptionIdentifiersAvailable: false });
    const sub = bed.client(5);
    expect(sub.connect({ clientId: 's' }).properties?.subscriptionIdentifiersAvailable).toBe(0);
    sub.send({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: 't', qos: 0 }], properties: { subscriptionIdentifiers: [1] } });
    expect(sub.next('DISCONNECT').reasonCode).toBe(0xa1);
  });

  it('does not send a No Local subscriber its own messages', () => {
    const bed = setup();
    const client = connected(bed, 'me', 5);
    client.subscribe([{ topicFilter: 'chat', noLocal: true }], 0);
    const other = connected(bed, 'other', 5);
    other.subscribe('chat', 0);
    client.publish('chat', 'hello');
    expect(client.publishes()).toEqual([]);
    expect(other.publishes().map((p) => str(p.payload))).toEqual(['hello']);
  });

  it('answers SUBSCRIBE with a reason code per filter, and UNSUBSCRIBE with 0x11 where nothing existed', () => {
    const bed = setup({ wildcardSubscriptionAvailable: false, sharedSubscriptionAvailable: false });
    const client = bed.client(5);
    const connack = client.connect({ clientId: 'c' });
    expect(connack.properties).toMatchObject({ wildcardSubscriptionAvailable: 0, sharedSubscriptionAvailable: 0 });
    const suback = client.subscribe([{ topicFilter: 'plain', qos: 1 }, { topicFilter: 'wild/+', qos: 1 }, { topicFilter: '$share/g/plain', qos: 1 }], 1);
    expect(suback.reasonCodes).toEqual([1, 0xa2, 0x9e]);
    expect(suback.properties?.reasonString).toMatch(/Wildcard/);
    client.send({ type: 'UNSUBSCRIBE', packetId: 2, topicFilters: ['plain', 'never'] });
    expect(client.next('UNSUBACK').reasonCodes).toEqual([0x00, 0x11]);
  });

  it('answers 3.1.1 refusals with 0x80 and a plain UNSUBACK', () => {
    const bed = setup({ wildcardSubscriptionAvailable: false });
    const client = connected(bed, 'c', 4);
    expect(client.subscribe([{ topicFilter: 'ok' }, { topicFilter: '#' }], 0).reasonCodes).toEqual([0, 0x80]);
    client.send({ type: 'UNSUBSCRIBE', packetId: 2, topicFilters: ['ok'] });
    expect(client.take()).toEqual([{ type: 'UNSUBACK', packetId: 2 }]);
  });

  it('leaves out reason strings when the client asked for no problem information (MQTT-3.1.2-29)', () => {
    const bed = setup({ wildcardSubscriptionAvailable: false });
    const client = connected(bed, 'c', 5, { properties: { requestProblemInformation: 0 } });
    const suback = client.subscribe('#', 0);
    expect(suback.reasonCodes).toEqual([0xa2]);
    expect(suback.properties?.reasonString).toBeUndefined();
  });

  it('compares UNSUBSCRIBE filters character by character (MQTT-3.10.4-1)', () => {
    const bed = setup();
    const client = connected(bed, 'c', 4);
    client.subscribe('a/b', 0);
    client.send({ type: 'UNSUBSCRIBE', packetId: 2, topicFilters: ['a/+'] });
    client.next('UNSUBACK');
    connected(bed, 'p', 4).publish('a/b', 'still subscribed');
    expect(client.publishes()).toHaveLength(1);
  });
});

describe('5.0 shared subscriptions', () => {
  it('gives each message to one member of the group, round robin', () => {
    const bed = setup();
    const workers = ['w1', 'w2', 'w3'].map((id) => {
      const worker = connected(bed, id, 5);
      worker.subscribe('$share/pool/jobs/+', 1);
      return worker;
    });
    const plain = connected(bed, 'audit', 5);
    plain.subscribe('jobs/#', 0);
    const pub = connected(bed, 'pub', 5);
    for (let i = 1; i <= 6; i++) pub.publish(`jobs/${i}`, `${i}`, 1, {}, i);
    expect(workers.map((w) => w.publishes().map((p) => str(p.payload)))).toEqual([['1', '4'], ['2', '5'], ['3', '6']]);
    expect(plain.publishes()).toHaveLength(6);
  });

  it('skips members that are offline, and queues for an offline member only when nobody is online', () => {
    const bed = setup();
    const a = connected(bed, 'a', 5, { properties: { sessionExpiryInterval: 60 } });
    a.subscribe('$share/g/t', 1);
    const b = connected(bed, 'b', 5, { properties: { sessionExpiryInterval: 60 } });
    b.subscribe('$share/g/t', 1);
    a.drop();
    const pub = connected(bed, 'pub', 5);
    pub.publish('t', '1', 1, {}, 1);
    pub.publish('t', '2', 1, {}, 2);
    expect(b.publishes().map((p) => str(p.payload))).toEqual(['1', '2']);
    b.drop();
    pub.publish('t', '3', 1, {}, 3);
    expect(bed.eventsOf('message-queued').map((e) => [e.clientId, e.topic])).toHaveLength(1);
  });

  it('lets 3.1.1 clients share subscriptions too, as mosquitto does', () => {
    const bed = setup();
    const x = connected(bed, 'x', 4);
    const y = connected(bed, 'y', 4);
    x.subscribe('$share/g/t', 0);
    y.subscribe('$share/g/t', 0);
    const pub = connected(bed, 'p', 4);
    pub.publish('t', '1');
    pub.publish('t', '2');
    expect([x.publishes().length, y.publishes().length]).toEqual([1, 1]);
  });

  it('refuses a malformed shared subscription from a 3.1.1 client with 0x80', () => {
    const bed = setup();
    const client = connected(bed, 'c', 4);
    // Valid 3.1.1 topic filters, but not valid $share/{ShareName}/{filter} forms (MQTT-4.8.2-1/-2).
    expect(client.subscribe([{ topicFilter: '$share/+/t' }, { topicFilter: '$share/g' }, { topicFilter: '$share/g/t' }], 1).reasonCodes).toEqual([0x80, 0x80, 1]);
    expect(bed.eventsOf('subscription-refused').map((e) => e.filter)).toEqual(['$share/+/t', '$share/g']);
  });

  it('forgets a member that unsubscribes', () => {
    const bed = setup();
    const x = connected(bed, 'x', 5);
    const y = connected(bed, 'y', 5);
    x.subscribe('$share/g/t', 0);
    y.subscribe('$share/g/t', 0);
    x.send({ type: 'UNSUBSCRIBE', packetId: 2, topicFilters: ['$share/g/t'] });
    const pub = connected(bed, 'p', 5);
    pub.publish('t', '1');
    pub.publish('t', '2');
    expect(x.publishes()).toHaveLength(0);
    expect(y.publishes()).toHaveLength(2);
    expect(bed.broker.inspect().sharedSubscriptions).toEqual([{ group: 'g', filter: 't', members: ['y'], next: 0 }]);
  });
});

describe('5.0 flow control and limits', () => {
  it("never has more than the client's Receive Maximum QoS 1/2 messages in flight; the rest wait (MQTT-3.3.4-9)", () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { receiveMaximum: 2 } });
    sub.subscribe('t', 2);
    const pub = connected(bed, 'pub', 5);
    for (let i = 1; i <= 5; i++) pub.publish('t', `${i}`, 1, {}, i);
    const first = sub.publishes();
    expect(first.map((p) => str(p.payload))).toEqual(['1', '2']);
    // QoS 0 is not held back by the window (MQTT-3.3.4-10 / 4.9).
    pub.publish('t', 'zero', 0);
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['zero']);
    sub.ack(first[0]!);
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['3']);
    expect(bed.broker.inspect().sessions[0]?.queue.map((d) => str(d.message.payload))).toEqual(['4', '5']);
  });

  it('answers more unreleased QoS 2 messages than its Receive Maximum with DISCONNECT 0x93', () => {
    const bed = setup({ receiveMaximum: 2 });
    const pub = connected(bed, 'pub', 5);
    for (let id = 1; id <= 2; id++) pub.send(publish('t', 'x', { qos: 2, packetId: id }));
    expect(pub.take().map((p) => p.type)).toEqual(['PUBREC', 'PUBREC']);
    pub.send(publish('t', 'x', { qos: 2, packetId: 3 }));
    expect(pub.next('DISCONNECT').reasonCode).toBe(0x93);
  });

  it("drops a message larger than the client's Maximum Packet Size as if delivered (MQTT-3.1.2-25)", () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { maximumPacketSize: 50 } });
    sub.subscribe('t', 1);
    const pub = connected(bed, 'pub', 5);
    pub.publish('t', 'x'.repeat(100), 1, {}, 1);
    pub.publish('t', 'small', 1, {}, 2);
    expect(sub.publishes().map((p) => [p.packetId, str(p.payload)])).toEqual([[2, 'small']]);
    expect(bed.eventsOf('message-dropped').map((e) => e.why)).toEqual(['packet-too-large']);
    // Packet id 1 was released at once: only the small message waits for its PUBACK.
    expect(bed.broker.inspect().sessions.find((s) => s.clientId === 'sub')?.inflightOut.map((d) => d.packetId)).toEqual([2]);
  });

  it('counts down the Message Expiry Interval while a message waits (MQTT-3.3.2-6) and drops it once expired (MQTT-3.3.2-5)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { sessionExpiryInterval: 3600 } });
    sub.subscribe('t', 1);
    sub.drop();
    const pub = connected(bed, 'pub', 5);
    pub.publish('t', 'ten', 1, { properties: { messageExpiryInterval: 10 } }, 1);
    pub.publish('t', 'three', 1, { properties: { messageExpiryInterval: 3 } }, 2);
    pub.publish('t', 'forever', 1, {}, 3);
    bed.advance(4_000);
    expect(bed.eventsOf('message-dropped').map((e) => [e.topic, e.why])).toEqual([['t', 'expired']]);
    const back = bed.client(5);
    back.connect({ clientId: 'sub', cleanSession: false, properties: { sessionExpiryInterval: 3600 } });
    expect(back.publishes().map((p) => [str(p.payload), p.properties?.messageExpiryInterval])).toEqual([['ten', 6], ['forever', undefined]]);
  });

  it('refuses publishing to $SYS topics: PUBACK 0x87 in 5.0, a silent drop in 3.1.1', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('$SYS/#', 0);
    const v5 = connected(bed, 'v5', 5);
    v5.send(publish('$SYS/broker/uptime', '1', { qos: 1, packetId: 1 }));
    expect(v5.next('PUBACK')).toMatchObject({ packetId: 1, reasonCode: 0x87 });
    const v4 = connected(bed, 'v4', 4);
    v4.send(publish('$SYS/broker/uptime', '1', { qos: 2, packetId: 1 }));
    expect(v4.take()).toEqual([{ type: 'PUBREC', packetId: 1 }]);
    v4.send({ type: 'PUBREL', packetId: 1 });
    expect(v4.take()).toEqual([{ type: 'PUBCOMP', packetId: 1 }]);
    expect(sub.publishes()).toEqual([]);
  });

  it('answers like mosquitto: $SYS and $share topic names are refused, a bridge state topic is not', () => {
    const bed = setup();
    const client = connected(bed, 'c', 5);
    const code = (topic: string, packetId: number) => {
      client.send(publish(topic, '1', { qos: 1, packetId }));
      return (client.next('PUBACK') as { reasonCode?: number }).reasonCode;
    };
    expect(code('$SYS/broker/uptime', 1)).toBe(0x87);
    expect(code('$SYS/broker/connection/me', 2)).toBe(0x87);
    expect(code('$SYS/broker/connection/me/state', 3)).toBe(0x10);
    expect(code('$share/share/topic', 4)).toBe(0x87);
  });

  it('forwards user properties, content type, response topic and correlation data unaltered', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('req', 0);
    const properties = { payloadFormatIndicator: 1, contentType: 'application/json', responseTopic: 'resp/1', correlationData: new Uint8Array([1, 2]), userProperties: [['z', '1'], ['a', '2'], ['z', '3']] as Array<[string, string]> };
    connected(bed, 'pub', 5).publish('req', '{}', 0, { properties });
    expect(sub.publishes()[0]?.properties).toEqual(properties);
  });
});
