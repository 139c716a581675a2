import { describe, expect, it } from 'vitest';
import { replay, type QosFlowAction, type QosFlowConfig } from '../../src/mqtt/simulator/qos-flow.ts';
import { createFlowBroker } from '../../src/components/qos-animator/flow-broker.ts';
import { decodePacket } from '../../src/mqtt/codec/index.ts';

const S: QosFlowAction = { kind: 'step' };
const DROP: QosFlowAction = { kind: 'fault', fault: 'drop' };
const cut = (client: 'publisher' | 'subscriber'): QosFlowAction => ({ kind: 'cut', client });
const reconnect = (client: 'publisher' | 'subscriber'): QosFlowAction => ({ kind: 'reconnect', client });
const config = (over: Partial<QosFlowConfig>): QosFlowConfig => ({ version: 4, publishQos: 1, subscribeQos: 1, persistent: true, topic: 'door/front/unlock', payload: 'open', ...over });

/** Steps until nothing is in flight (bounded). */
function settle(actions: QosFlowAction[], n = 12): QosFlowAction[] {
  return [...actions, ...Array.from({ length: n }, () => S)];
}

const arrows = (flow: ReturnType<typeof replay>) => flow.frames.filter((f) => f.arrow).map((f) => `${f.arrow!.from}>${f.arrow!.to} ${f.arrow!.type}${f.arrow!.fate === 'delivered' ? '' : ` (${f.arrow!.fate})`}`);

describe('the QoS flow model, run by the real broker core', () => {
  it('runs a QoS 1 exchange as PUBLISH, PUBACK on both hops and delivers once', () => {
    const flow = replay(config({}), settle([]), createFlowBroker);
    expect(arrows(flow)).toEqual([
      'publisher>broker PUBLISH', 'broker>subscriber PUBLISH', 'broker>publisher PUBACK', 'subscriber>broker PUBACK',
    ]);
    const last = flow.frames.at(-1)!;
    expect(last.subscriber.delivered).toHaveLength(1);
    expect(last.publisher.outgoing).toEqual([]);
    expect(last.settled).toBe(true);
  });

  it('runs a QoS 2 exchange through PUBREC, PUBREL and PUBCOMP and forwards only after PUBREL', () => {
    const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([]), createFlowBroker);
    const seq = arrows(flow);
    expect(seq.slice(0, 3)).toEqual(['publisher>broker PUBLISH', 'broker>publisher PUBREC', 'publisher>broker PUBREL']);
    expect(seq.indexOf('broker>subscriber PUBLISH')).toBeGreaterThan(seq.indexOf('publisher>broker PUBREL'));
    expect(seq).toContain('subscriber>broker PUBCOMP');
    expect(flow.frames.at(-1)!.subscriber.delivered).toHaveLength(1);
  });

  it('shows the broker holding the QoS 2 packet id until PUBREL arrives', () => {
    const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), [S, S, S], createFlowBroker);
    const [, afterPublish, , afterPubrel] = flow.frames;
    expect(afterPublish!.broker.awaitingRelease).toEqual([1]);
    expect(afterPubrel!.broker.awaitingRelease).toEqual([]);
  });

  it('delivers a QoS 1 message twice when the subscriber\'s PUBACK is lost and the session resumes', () => {
    const flow = replay(config({}), settle([S, S, S, DROP, S, cut('subscriber'), reconnect('subscriber')]), createFlowBroker);
    const delivered = flow.frames.at(-1)!.subscriber.delivered;
    expect(delivered.map((d) => [d.copy, d.dup])).toEqual([[1, false], [2, true]]);
    const resend = flow.frames.find((f) => f.arrow?.type === 'PUBLISH' && f.arrow.to === 'subscriber' && f.arrow.packet.type === 'PUBLISH' && f.arrow.packet.dup);
    expect(resend).toBeDefined();
    expect(decodePacket(Uint8Array.from(resend!.arrow!.hex.match(/../g)!.map((h) => parseInt(h, 16)))).packet).toMatchObject({ type: 'PUBLISH', dup: true, qos: 1, packetId: 1 });
    expect(flow.frames.some((f) => f.notes.some((n) => n.includes('AGAIN')))).toBe(true);
  });

  it('delivers a QoS 2 message exactly once when the subscriber\'s PUBREC is lost', () => {
    // Steps: PUBLISH, PUBREC, PUBREL (broker releases and forwards), PUBCOMP / PUBLISH to subscriber...
    const base = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([]), createFlowBroker);
    const pubrecIndex = base.frames.findIndex((f) => f.arrow?.from === 'subscriber' && f.arrow.type === 'PUBREC');
    const before = Array.from({ length: pubrecIndex - 1 }, () => S);
    const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([...before, DROP, S, cut('subscriber'), reconnect('subscriber')], 14), createFlowBroker);
    const last = flow.frames.at(-1)!;
    expect(last.subscriber.delivered).toHaveLength(1);
    expect(flow.frames.some((f) => f.arrow?.packet.type === 'PUBLISH' && f.arrow.packet.dup && f.arrow.to === 'subscriber')).toBe(true);
    expect(flow.frames.some((f) => f.notes.some((n) => n.includes('recognises the resend')))).toBe(true);
    expect(last.settled).toBe(true);
  });

  it('delivers a QoS 2 message exactly once when the broker\'s PUBREL to the subscriber is lost', () => {
    const base = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([]), createFlowBroker);
    const pubrelIndex = base.frames.findIndex((f) => f.arrow?.from === 'broker' && f.arrow.to === 'subscriber' && f.arrow.type === 'PUBREL');
    const before = Array.from({ length: pubrelIndex - 1 }, () => S);
    const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([...before, DROP, S, cut('subscriber'), reconnect('subscriber')], 14), createFlowBroker);
    const dropped = flow.frames.find((f) => f.arrow?.fate === 'dropped');
    expect(dropped?.arrow?.type).toBe('PUBREL');
    // While the PUBREL is lost the subscriber still holds the id, so it cannot deliver twice.
    expect(dropped!.subscriber.awaitingRelease).toEqual([1]);
    const resentPubrel = flow.frames.filter((f) => f.arrow?.from === 'broker' && f.arrow.to === 'subscriber' && f.arrow.type === 'PUBREL' && f.arrow.fate === 'delivered');
    expect(resentPubrel).toHaveLength(1);
    const last = flow.frames.at(-1)!;
    expect(last.subscriber.delivered).toHaveLength(1);
    expect(last.subscriber.awaitingRelease).toEqual([]);
    expect(last.broker.inflightToSubscriber).toEqual([]);
  });

  it('loses a QoS 0 message that the network drops, and nobody resends it', () => {
    const flow = replay(config({ publishQos: 0, subscribeQos: 0 }), settle([DROP]), createFlowBroker);
    expect(arrows(flow)).toEqual(['publisher>broker PUBLISH (dropped)']);
    expect(flow.frames.at(-1)!.subscriber.delivered).toEqual([]);
    expect(flow.frames[2]!.notes.join(' ')).toContain('simply gone');
  });

  it('drops an unacknowledged QoS 1 message with a clean session instead of resending it', () => {
    const flow = replay(config({ persistent: false }), settle([DROP, S, cut('publisher'), reconnect('publisher')]), createFlowBroker);
    const last = flow.frames.at(-1)!;
    expect(last.publisher.outgoing).toEqual([]);
    expect(last.subscriber.delivered).toEqual([]);
    expect(flow.frames.some((f) => f.arrow?.packet.type === 'PUBLISH' && f.arrow.packet.dup)).toBe(false);
  });

  it('resends an unacknowledged QoS 1 PUBLISH with DUP=1 after the publisher reconnects to a persistent session', () => {
    const flow = replay(config({}), settle([DROP, S, cut('publisher'), reconnect('publisher')]), createFlowBroker);
    const resend = flow.frames.find((f) => f.arrow?.from === 'publisher' && f.arrow.packet.type === 'PUBLISH' && f.arrow.packet.dup);
    expect(resend).toBeDefined();
    expect(flow.frames.at(-1)!.subscriber.delivered).toHaveLength(1);
  });

  it('downgrades a QoS 2 publish to the subscription\'s QoS 1', () => {
    const flow = replay(config({ publishQos: 2, subscribeQos: 1 }), settle([]), createFlowBroker);
    const toSubscriber = flow.frames.find((f) => f.arrow?.to === 'subscriber' && f.arrow.type === 'PUBLISH');
    expect(toSubscriber!.arrow!.packet).toMatchObject({ qos: 1 });
    expect(flow.frames[0]!.notes.join(' ')).toContain('lower of the publish QoS');
  });

  it('shows the 5.0 reason code 0x10 when no subscription matches', () => {
    const flow = replay(config({ version: 5, brokerAckCode: 0x10 }), settle([]), createFlowBroker);
    const ack = flow.frames.find((f) => f.arrow?.type === 'PUBACK');
    expect(ack!.arrow!.packet).toMatchObject({ type: 'PUBACK', reasonCode: 0x10 });
    expect(flow.frames.at(-1)!.subscriber.delivered).toEqual([]);
  });

  it('holds a delayed packet back while packets behind it on the same connection wait', () => {
    const flow = replay(config({}), [{ kind: 'fault', fault: 'delay' }, S, S], createFlowBroker);
    expect(flow.frames[2]!.arrow!.fate).toBe('delayed');
    expect(flow.frames[2]!.inFlight[0]).toMatchObject({ type: 'PUBLISH', held: true });
  });

  it('rebuilds the same frames from the same actions, which makes stepping back exact', () => {
    const actions = settle([S, DROP, S, cut('subscriber'), reconnect('subscriber')]);
    const a = replay(config({ publishQos: 2, subscribeQos: 2 }), actions, createFlowBroker);
    const b = replay(config({ publishQos: 2, subscribeQos: 2 }), actions, createFlowBroker);
    expect(b.frames.map((f) => [f.arrow?.hex, f.notes])).toEqual(a.frames.map((f) => [f.arrow?.hex, f.notes]));
  });
});

describe('a 5.0 broker that refuses the publish', () => {
  it('ends a QoS 2 flow at a PUBREC carrying 0x87, with no PUBREL and no delivery', () => {
    const flow = replay(config({ version: 5, publishQos: 2, subscribeQos: 2, brokerAckCode: 0x87 }), settle([]), createFlowBroker);
    expect(arrows(flow)).toEqual(['publisher>broker PUBLISH', 'broker>publisher PUBREC']);
    expect(flow.frames.find((f) => f.arrow?.type === 'PUBREC')!.arrow!.packet).toMatchObject({ reasonCode: 0x87 });
    const last = flow.frames.at(-1)!;
    expect(last.publisher.outgoing).toEqual([]);
    expect(last.subscriber.delivered).toEqual([]);
    expect(flow.frames.some((f) => f.notes.some((n) => n.includes('ends the exchange')))).toBe(true);
  });
});

describe('narration in Chinese', () => {
  it('tells the same QoS 1 duplicate story in Simplified Chinese', () => {
    const actions = settle([S, S, S, DROP, S, cut('subscriber'), reconnect('subscriber')]);
    const zh = replay(config({}), actions, createFlowBroker, 'zh');
    const en = replay(config({}), actions, createFlowBroker, 'en');
    const notes = zh.frames.flatMap((f) => f.notes).join('\n');
    expect(notes).toContain('再次把消息交给应用程序（第 2 份）');
    expect(notes).toContain('至少一次');
    expect(notes).not.toMatch(/\b(the|and|with)\b/);
    // Same flow, same number of sentences per frame: only the language differs.
    expect(zh.frames.map((f) => f.notes.length)).toEqual(en.frames.map((f) => f.notes.length));
  });
});
