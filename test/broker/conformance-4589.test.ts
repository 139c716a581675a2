/**
 * CONNACK and the client's Maximum Packet Size, CONNACK for a malformed 5.0 CONNECT, one copy for
 * overlapping 5.0 subscriptions, and shared-subscription messages handed on when a member's
 * session ends.
 */
import { describe, expect, it } from 'vitest';
import type { ConnackPacket } from '../../src/mqtt/codec/index.ts';
import { connected, setup, str } from './helpers.ts';

describe('CONNACK never exceeds the Maximum Packet Size the CONNECT asked for (MQTT-3.1.2-24)', () => {
  it('closes without sending a CONNACK larger than the client allows', () => {
    const bed = setup();
    const client = bed.client(5);
    // Our CONNACK carries Topic Alias Maximum and Receive Maximum: 11 bytes. The client allows 8.
    client.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId: 'tiny', properties: { maximumPacketSize: 8 } });
    expect(client.wire.every((hex) => hex.length / 2 <= 8)).toBe(true);
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
    // Nothing was set up for a client that never got its CONNACK.
    expect(bed.broker.inspect().sessions).toEqual([]);
  });

  it('does not publish the will of a client it could not answer', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('w', 0);
    const client = bed.client(5);
    client.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId: 'tiny', properties: { maximumPacketSize: 8 }, will: { topic: 'w', payload: new Uint8Array([1]), qos: 0, retain: false } });
    expect(client.closed).toBe(true);
    expect(sub.publishes()).toEqual([]);
  });

  it('sends the CONNACK when it fits exactly', () => {
    const bed = setup();
    const client = bed.client(5);
    client.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId: 'fits', properties: { maximumPacketSize: 11 } });
    expect((client.next('CONNACK') as ConnackPacket).reasonCode).toBe(0);
    expect(client.closed).toBe(false);
  });
});

describe('a malformed 5.0 CONNECT gets CONNACK 0x81 when it was readable far enough to know its version (5.0 §4.13.1)', () => {
  const connack = (hex: string) => {
    const bed = setup();
    const client = bed.client(5);
    client.raw(hex);
    return { packets: client.take().map((p) => (p.type === 'CONNACK' ? `CONNACK 0x${p.reasonCode.toString(16)}` : p.type)), closed: client.closed };
  };

  it('the reserved connect-flag bit set: CONNACK 0x81, then close', () => {
    expect(connack('10 0e 0004 4d515454 05 03 003c 00 0001 61')).toEqual({ packets: ['CONNACK 0x81'], closed: true });
  });

  it('a property not valid in CONNECT (Topic Alias): CONNACK 0x81', () => {
    expect(connack('10 11 0004 4d515454 05 02 003c 03 230001 0001 61')).toEqual({ packets: ['CONNACK 0x81'], closed: true });
  });

  it('Session Expiry Interval twice: CONNACK 0x82 Protocol Error', () => {
    expect(connack('10 18 0004 4d515454 05 02 003c 0a 1100000001 1100000002 0001 61')).toEqual({ packets: ['CONNACK 0x82'], closed: true });
  });

  it('a client id that is not valid UTF-8: CONNACK 0x81', () => {
    expect(connack('10 0e 0004 4d515454 05 02 003c 00 0001 ff')).toEqual({ packets: ['CONNACK 0x81'], closed: true });
  });

  it('a malformed 3.1.1 CONNECT is still closed without CONNACK (3.1.1 has no code for it)', () => {
    const bed = setup();
    const client = bed.client(4);
    client.raw('10 0d 0004 4d515454 04 03 003c 0001 61');
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
  });

  it('a CONNECT cut short before its protocol level is closed without CONNACK (its version is unknown)', () => {
    const bed = setup();
    const client = bed.client(5);
    // Remaining length 2 holds only the protocol name length.
    client.raw('10 02 0004');
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
  });
});

describe('overlapping 5.0 subscriptions: one copy, at the highest granted QoS, with every Subscription Identifier (MQTT-3.3.4-2/-4)', () => {
  it('sends one PUBLISH carrying both identifiers, at the higher QoS', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('a/b', 0, { subscriptionIdentifiers: [2] }, 1);
    sub.subscribe('a/#', 1, { subscriptionIdentifiers: [3] }, 2);
    connected(bed, 'pub', 5).publish('a/b', 'x', 2);
    const copies = sub.publishes();
    expect(copies).toHaveLength(1);
    expect(copies[0]!.qos).toBe(1);
    expect([...copies[0]!.properties!.subscriptionIdentifiers!].sort()).toEqual([2, 3]);
  });

  it('still one copy when only some subscriptions have identifiers', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('a/+', 2, { subscriptionIdentifiers: [7] }, 1);
    sub.subscribe('a/#', 1, { subscriptionIdentifiers: [42] }, 2);
    sub.subscribe('a/b', 0, undefined, 3);
    connected(bed, 'pub', 5).publish('a/b', 'x', 2);
    const copies = sub.publishes();
    expect(copies.map((p) => p.qos)).toEqual([2]);
    expect([...copies[0]!.properties!.subscriptionIdentifiers!].sort((a, b) => a - b)).toEqual([7, 42]);
  });

  it('keeps 3.1.1 as it was: one copy per matching subscription', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('a/b', 0, undefined, 1);
    sub.subscribe('a/#', 1, undefined, 2);
    connected(bed, 'pub', 4).publish('a/b', 'x', 1);
    expect(sub.publishes().map((p) => p.qos).sort()).toEqual([0, 1]);
  });

  it('a No Local subscription does not count, the other still delivers', () => {
    const bed = setup();
    const me = connected(bed, 'me', 5);
    me.subscribe([{ topicFilter: 'a/b', qos: 2, noLocal: true }], 2, { subscriptionIdentifiers: [1] }, 1);
    me.subscribe('a/#', 1, { subscriptionIdentifiers: [5] }, 2);
    me.publish('a/b', 'x', 0);
    const copies = me.publishes();
    expect(copies.map((p) => [p.qos, p.properties?.subscriptionIdentifiers])).toEqual([[0, [5]]]);
  });
});

describe('shared subscriptions: a member whose session ends hands its unacknowledged messages on (MQTT-4.8.2-5 and the note after it)', () => {
  it('re-sends an unacknowledged QoS 1 message to another member when the first member\'s session ends', () => {
    const bed = setup();
    const a = connected(bed, 'a', 5);
    a.subscribe('$share/g/jobs', 1);
    const b = connected(bed, 'b', 5);
    b.subscribe('$share/g/jobs', 1);
    const pub = connected(bed, 'pub', 5);
    const inbox = () => a.inbox.filter((p) => p.type === 'PUBLISH');
    pub.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'jobs', packetId: 1, payload: new TextEncoder().encode('job-1') });
    expect(inbox().map((p) => p.type === 'PUBLISH' && str(p.payload))).toEqual(['job-1']);
    expect(b.publishes()).toEqual([]);
    // a's session (expiry 0) ends with its connection: job-1 goes to b.
    a.drop();
    expect(b.publishes().map((p) => [str(p.payload), p.qos])).toEqual([['job-1', 1]]);
  });

  it('hands on queued messages too, and a QoS 2 message whose PUBREC had not come', () => {
    const bed = setup({ maxInflightMessages: 1 });
    const a = connected(bed, 'a', 5);
    a.subscribe('$share/g/jobs', 2);
    const b = connected(bed, 'b', 5);
    b.subscribe('$share/g/jobs', 2);
    const pub = connected(bed, 'pub', 5);
    // With round robin a gets 1 and 3 (3 waits: a's window of 1 is full), b gets 2 and acknowledges it.
    for (let i = 1; i <= 3; i++) pub.publish('jobs', `job-${i}`, 2, {}, i);
    const first = b.publishes();
    expect(first.map((p) => str(p.payload))).toEqual(['job-2']);
    b.ack(first[0]!);
    a.drop();
    // b's window is 1 as well: job-1 comes now, job-3 once job-1 is acknowledged.
    const next = b.publishes();
    expect(next.map((p) => str(p.payload))).toEqual(['job-1']);
    b.ack(next[0]!);
    expect(b.publishes().map((p) => str(p.payload))).toEqual(['job-3']);
  });

  it('does not hand on a QoS 2 message the member has already received (PUBREC sent, PUBREL pending)', () => {
    const bed = setup();
    const a = connected(bed, 'a', 5);
    a.subscribe('$share/g/jobs', 2);
    const b = connected(bed, 'b', 5);
    b.subscribe('$share/g/jobs', 2);
    const pub = connected(bed, 'pub', 5);
    pub.publish('jobs', 'job-1', 2, {}, 1);
    const got = a.publishes();
    expect(got.map((p) => str(p.payload))).toEqual(['job-1']);
    a.send({ type: 'PUBREC', packetId: got[0]!.packetId! });
    a.drop();
    expect(b.publishes()).toEqual([]);
  });

  it('a member whose session outlives the connection keeps its messages (it may come back for them)', () => {
    const bed = setup();
    const a = connected(bed, 'a', 5, { properties: { sessionExpiryInterval: 60 } });
    a.subscribe('$share/g/jobs', 1);
    const b = connected(bed, 'b', 5);
    b.subscribe('$share/g/jobs', 1);
    const pub = connected(bed, 'pub', 5);
    pub.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'jobs', packetId: 1, payload: new TextEncoder().encode('job-1') });
    a.drop();
    expect(b.publishes()).toEqual([]);
    // Once a's session expires, the message goes to b.
    bed.advance(61_000, 1000);
    expect(b.publishes().map((p) => str(p.payload))).toEqual(['job-1']);
  });
});
