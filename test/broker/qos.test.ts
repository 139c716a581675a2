import { describe, expect, it } from 'vitest';
import type { PublishPacket, QoS } from '../../src/mqtt/codec/index.ts';
import { connected, setup, str, text } from './helpers.ts';

describe('QoS flows', () => {
  it('answers an incoming QoS 1 PUBLISH with PUBACK after routing it', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 1);
    const pub = connected(bed, 'pub', 4);
    pub.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 't', packetId: 9, payload: text('x') });
    expect(pub.take()).toEqual([{ type: 'PUBACK', packetId: 9 }]);
    expect(sub.publishes()).toHaveLength(1);
  });

  it('holds an incoming QoS 2 message until PUBREL and delivers it once, even if the PUBLISH is re-sent', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 2);
    const pub = connected(bed, 'pub', 4);
    const publish: PublishPacket = { type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: 't', packetId: 5, payload: text('once') };
    pub.send(publish);
    expect(pub.take()).toEqual([{ type: 'PUBREC', packetId: 5 }]);
    expect(sub.take()).toEqual([]);
    pub.send({ ...publish, dup: true });
    expect(pub.take()).toEqual([{ type: 'PUBREC', packetId: 5 }]);
    pub.send({ type: 'PUBREL', packetId: 5 });
    expect(pub.take()).toEqual([{ type: 'PUBCOMP', packetId: 5 }]);
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['once']);
    // After PUBCOMP the id is free: the same id is a new message (MQTT-4.3.3-12).
    pub.send({ ...publish, payload: text('twice') });
    pub.send({ type: 'PUBREL', packetId: 5 });
    expect(sub.publishes().map((p) => str(p.payload))).toEqual(['twice']);
  });

  it('answers PUBREL for an unknown packet id with PUBCOMP, 0x92 in 5.0', () => {
    const bed = setup();
    const v4 = connected(bed, 'a', 4);
    v4.send({ type: 'PUBREL', packetId: 3 });
    expect(v4.take()).toEqual([{ type: 'PUBCOMP', packetId: 3 }]);
    const v5 = connected(bed, 'b', 5);
    v5.send({ type: 'PUBREL', packetId: 3 });
    expect(v5.take()).toEqual([{ type: 'PUBCOMP', packetId: 3, reasonCode: 0x92 }]);
  });

  it('answers a 5.0 QoS 1 PUBLISH nobody subscribed to with PUBACK 0x10', () => {
    const bed = setup();
    const pub = connected(bed, 'pub', 5);
    pub.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'nobody', packetId: 1, payload: text('x') });
    expect(pub.take()).toEqual([{ type: 'PUBACK', packetId: 1, reasonCode: 0x10 }]);
  });

  it('runs the outgoing QoS 2 flow: PUBLISH, PUBREC → PUBREL, PUBCOMP', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 2);
    connected(bed, 'pub', 4).publish('t', 'x', 2);
    const [publish] = sub.publishes();
    expect(publish).toMatchObject({ qos: 2, packetId: 1, dup: false });
    sub.send({ type: 'PUBREC', packetId: 1 });
    expect(sub.take()).toEqual([{ type: 'PUBREL', packetId: 1 }]);
    expect(bed.broker.inspect().sessions[0]?.inflightOut[0]?.awaiting).toBe('PUBCOMP');
    sub.send({ type: 'PUBCOMP', packetId: 1 });
    expect(bed.broker.inspect().sessions[0]?.inflightOut).toEqual([]);
  });

  it('treats a 5.0 PUBACK or PUBREC with an error reason code as the end of the flow (MQTT-4.4.0-2)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5, { properties: { sessionExpiryInterval: 60 } });
    sub.subscribe('t', 2);
    const pub = connected(bed, 'pub', 5);
    pub.publish('t', 'one', 1, {}, 1);
    pub.publish('t', 'two', 2, {}, 2);
    const [one, two] = sub.publishes();
    sub.send({ type: 'PUBACK', packetId: one!.packetId!, reasonCode: 0x80 });
    sub.send({ type: 'PUBREC', packetId: two!.packetId!, reasonCode: 0x80 });
    expect(sub.take()).toEqual([]); // no PUBREL
    expect(bed.broker.inspect().sessions.find((s) => s.clientId === 'sub')?.inflightOut).toEqual([]);
    sub.drop();
    const back = bed.client(5);
    back.connect({ clientId: 'sub', cleanSession: false, properties: { sessionExpiryInterval: 60 } });
    expect(back.take()).toEqual([]); // nothing re-sent
  });

  it('answers PUBREC for a packet id it never used with PUBREL 0x92 in 5.0', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5);
    client.send({ type: 'PUBREC', packetId: 77 });
    expect(client.take()).toEqual([{ type: 'PUBREL', packetId: 77, reasonCode: 0x92 }]);
  });

  it('never gives an in-flight packet id to another message, and wraps after 65535', () => {
    const bed = setup({ maxInflightMessages: 0 });
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 1);
    const pub = connected(bed, 'pub', 4);
    for (let i = 0; i < 5; i++) pub.publish('t', `${i}`, 0);
    // QoS 0 takes no packet id.
    expect(sub.publishes().map((p) => p.packetId)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    pub.publish('t', 'a', 1);
    pub.publish('t', 'b', 1);
    const [a, b] = sub.publishes();
    expect([a!.packetId, b!.packetId]).toEqual([1, 2]);
    // Acknowledge 2 only; ids keep counting up and skip 1 once they wrap.
    sub.send({ type: 'PUBACK', packetId: 2 });
    const session = bed.broker.sessions.get('sub')!;
    (session as unknown as { lastPacketId: number }).lastPacketId = 65534;
    pub.publish('t', 'c', 1);
    pub.publish('t', 'd', 1);
    pub.publish('t', 'e', 1);
    expect(sub.publishes().map((p) => p.packetId)).toEqual([65535, 2, 3]);
  });

  it('re-sends unacknowledged PUBLISHes with DUP=1 and PUBRELs on reconnect, in the original order (MQTT-4.4.0-1)', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4, { cleanSession: false });
    sub.subscribe('t', 2);
    const pub = connected(bed, 'pub', 4);
    pub.publish('t', 'one', 1, {}, 1);
    pub.publish('t', 'two', 2, {}, 2);
    pub.publish('t', 'three', 2, {}, 3);
    const first = sub.publishes();
    expect(first.map((p) => [p.packetId, p.qos, p.dup])).toEqual([[1, 1, false], [2, 2, false], [3, 2, false]]);
    // The client got "two" and answered PUBREC, then the connection died.
    sub.send({ type: 'PUBREC', packetId: 2 });
    sub.takeAck('PUBREL', 2);
    sub.drop();
    pub.publish('t', 'four', 1, {}, 4);
    const back = bed.client(4);
    expect(back.connect({ clientId: 'sub', cleanSession: false }).sessionPresent).toBe(true);
    const resent = back.take().map((p) => p.type === 'PUBLISH' ? [p.type, p.packetId, p.dup, str(p.payload)] : [p.type, (p as { packetId: number }).packetId]);
    expect(resent).toEqual([
      ['PUBLISH', 1, true, 'one'],
      ['PUBREL', 2],
      ['PUBLISH', 3, true, 'three'],
      ['PUBLISH', 4, false, 'four'],
    ]);
  });

  const matrix: Array<[QoS, QoS]> = [];
  for (const published of [0, 1, 2] as QoS[]) for (const granted of [0, 1, 2] as QoS[]) matrix.push([published, granted]);
  it.each(matrix)('delivers a QoS %i message to a QoS %i subscription at the lower of the two (MQTT-3.8.4-6)', (published, granted) => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    expect(sub.subscribe('t', granted).reasonCodes).toEqual([granted]);
    connected(bed, 'pub', 4).publish('t', 'x', published);
    expect(sub.publishes().map((p) => p.qos)).toEqual([Math.min(published, granted)]);
  });

  it('grants at most its maximum QoS', () => {
    const bed = setup({ maximumQoS: 1 });
    const sub = connected(bed, 'sub', 4);
    expect(sub.subscribe('t', 2).reasonCodes).toEqual([1]);
    const v5 = bed.client(5);
    expect(v5.connect({ clientId: 'v5' }).properties?.maximumQoS).toBe(1);
    v5.send({ type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: 't', packetId: 1, payload: text('x') });
    expect(v5.next('DISCONNECT').reasonCode).toBe(0x9b);
  });

  it('sends one copy per matching subscription, as mosquitto does', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.send({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: 'a/+', qos: 1 }, { topicFilter: 'a/#', qos: 0 }] });
    expect(sub.next('SUBACK').reasonCodes).toEqual([1, 0]);
    connected(bed, 'pub', 4).publish('a/b', 'x', 1);
    expect(sub.publishes().map((p) => p.qos).sort()).toEqual([0, 1]);
  });

  it('keeps per-publisher order for every subscriber (MQTT-4.6.0-6)', () => {
    const bed = setup({ maxInflightMessages: 2 });
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 1);
    const pub = connected(bed, 'pub', 4);
    for (let i = 1; i <= 6; i++) pub.publish('t', `${i}`, 1, {}, i);
    const received: string[] = [];
    for (let round = 0; round < 10; round++) {
      for (const p of sub.publishes()) {
        received.push(str(p.payload));
        sub.ack(p);
      }
    }
    expect(received).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(bed.eventsOf('message-queued').map((e) => e.why)).toEqual(['inflight-window-full', 'inflight-window-full', 'inflight-window-full', 'inflight-window-full']);
  });
});
