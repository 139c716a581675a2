import { describe, expect, it } from 'vitest';
import { replay, type QosFlowAction, type QosFlowConfig } from '../../src/mqtt/simulator/qos-flow.ts';
import { createFlowBroker } from '../../src/components/qos-animator/flow-broker.ts';
import { decodePacket } from '../../src/mqtt/codec/index.ts';
import { renderFlow } from '../../src/components/qos-animator/text.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';
import type { Lang } from '../../src/components/i18n/lang.ts';

const S: QosFlowAction = { kind: 'step' };
const DROP: QosFlowAction = { kind: 'fault', fault: 'drop' };
const cut = (client: 'publisher' | 'subscriber'): QosFlowAction => ({ kind: 'cut', client });
const reconnect = (client: 'publisher' | 'subscriber'): QosFlowAction => ({ kind: 'reconnect', client });
const config = (over: Partial<QosFlowConfig>): QosFlowConfig => ({ version: 4, publishQos: 1, subscribeQos: 1, persistent: true, topic: 'door/front/unlock', payload: 'open', ...over });

/** Steps until nothing is in flight (bounded). */
function settle(actions: QosFlowAction[], n = 12): QosFlowAction[] {
  return [...actions, ...Array.from({ length: n }, () => S)];
}

/** A frame's notes as the reader sees them (the core returns keys and values; the catalogue has the words). */
const says = (frame: { notes: Parameters<typeof renderFlow>[1][] }, lang: Lang = 'en') => frame.notes.map((n) => renderFlow(lang, n));

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
    expect(flow.frames.some((f) => says(f).some((n) => n.includes('AGAIN')))).toBe(true);
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
    expect(flow.frames.some((f) => says(f).some((n) => n.includes('recognises the resend')))).toBe(true);
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
    expect(says(flow.frames[2]!).join(' ')).toContain('simply gone');
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
    expect(says(flow.frames[0]!).join(' ')).toContain('lower of the publish QoS');
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
    expect(flow.frames.some((f) => says(f).some((n) => n.includes('ends the exchange')))).toBe(true);
  });
});

describe('narration in Chinese', () => {
  it('tells the same QoS 1 duplicate story in Simplified Chinese, from the same messages', () => {
    const actions = settle([S, S, S, DROP, S, cut('subscriber'), reconnect('subscriber')]);
    const flow = replay(config({}), actions, createFlowBroker);
    const notes = flow.frames.flatMap((f) => says(f, 'zh-cn')).join('\n');
    expect(notes).toContain('再次把消息交给应用程序（第 2 份）');
    expect(notes).toContain('至少一次');
    expect(notes).not.toMatch(/\b(the|and|with|from|to|id|session present|code)\b/);
    // Packet summaries too: no English words beside packet and field names.
    const summaries = flow.frames.filter((f) => f.arrow).map((f) => renderFlow('zh-cn', f.arrow!.summary)).join('\n');
    expect(summaries).toContain('PUBLISH QoS 1，标识符 1');
    expect(summaries).not.toMatch(/\b(id|from|to)\b/);
  });

  it('uses only keys the catalogue has, in every frame of several flows', () => {
    const keys = new Set<string>();
    const collect = (m: { key: string; values?: Record<string, unknown> }): void => {
      keys.add(m.key);
      for (const v of Object.values(m.values ?? {})) {
        if (Array.isArray(v)) v.forEach((x) => collect(x));
        else if (typeof v === 'object' && v !== null) collect(v as { key: string });
      }
    };
    const flows = [
      replay(config({}), settle([S, S, S, DROP, S, cut('subscriber'), reconnect('subscriber')]), createFlowBroker),
      replay(config({ publishQos: 2, subscribeQos: 2 }), settle([S, { kind: 'fault', fault: 'duplicate' }, S, { kind: 'fault', fault: 'delay' }, S, cut('publisher'), reconnect('publisher')], 16), createFlowBroker),
      replay(config({ publishQos: 0, subscribeQos: 0, persistent: false }), settle([DROP]), createFlowBroker),
      replay(config({ version: 5, publishQos: 2, subscribeQos: 1, brokerAckCode: 0x87 }), settle([]), createFlowBroker),
    ];
    for (const flow of flows) for (const f of flow.frames) { f.notes.forEach(collect); if (f.arrow) collect(f.arrow.summary); }
    expect([...keys].filter((k) => !hasKey(k))).toEqual([]);
    expect(keys.size).toBeGreaterThan(20);
  });
});

describe('the end of an exchange', () => {
  it('says the QoS 1 exchange is complete on the step that completes it, and leaves nothing on the wire', () => {
    const flow = replay(config({}), [S, S, S, S], createFlowBroker);
    const last = flow.frames.at(-1)!;
    expect(last.settled).toBe(true);
    expect(last.inFlight).toEqual([]);
    expect(last.next).toBeNull();
    expect(says(last).join(' ')).toContain('The exchange is complete');
    // Not said before the last packet.
    expect(says(flow.frames[3]!).join(' ')).not.toContain('The exchange is complete');
    expect(flow.frames[3]!.settled).toBe(false);
  });

  it('is not complete while a lost PUBACK leaves the publisher holding the message, and says a reconnect is needed', () => {
    // PUBLISH delivered, the broker's PUBACK to the publisher dropped, then the rest.
    const flow = replay(config({}), [S, S, DROP, S, S], createFlowBroker);
    const last = flow.frames.at(-1)!;
    expect(last.inFlight).toEqual([]);
    expect(last.publisher.outgoing).toHaveLength(1);
    expect(last.settled).toBe(false);
    expect(says(last).join(' ')).toContain('Reconnect a client');
  });

  it('counts a QoS 2 exchange complete only after PUBCOMP on both hops', () => {
    const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), settle([], 8), createFlowBroker);
    const firstSettled = flow.frames.findIndex((f) => f.settled);
    expect(flow.frames[firstSettled]!.arrow!.type).toBe('PUBCOMP');
    expect(flow.frames.slice(firstSettled).every((f) => f.inFlight.length === 0)).toBe(true);
  });
});

describe('which packet a fault hits', () => {
  it('names the next packet when two are on the wire, and the armed drop hits exactly that one', () => {
    // After the broker receives the PUBLISH: PUBLISH to the subscriber and PUBACK to the publisher are both on the wire.
    const flow = replay(config({}), [S], createFlowBroker);
    const frame = flow.frames.at(-1)!;
    expect(frame.inFlight.length).toBe(2);
    expect(frame.next).toMatchObject({ type: frame.inFlight[0]!.type, from: frame.inFlight[0]!.from, to: frame.inFlight[0]!.to });
    const armed = replay(config({}), [S, DROP, S], createFlowBroker);
    expect(renderFlow('en', armed.frames[2]!.notes[0]!)).toBe(`The network will lose the next packet: ${renderFlow('en', frame.next!.summary)} (${frame.next!.from} → ${frame.next!.to}).`);
    expect(armed.frames[3]!.arrow).toMatchObject({ type: frame.next!.type, from: frame.next!.from, to: frame.next!.to, fate: 'dropped' });
  });

  it('predicts the packet step() delivers, also when a held-back packet blocks its lane', () => {
    for (const actions of [[S], [{ kind: 'fault', fault: 'delay' } as QosFlowAction, S], [S, { kind: 'fault', fault: 'delay' } as QosFlowAction, S, S]]) {
      const flow = replay(config({ publishQos: 2, subscribeQos: 2 }), actions, createFlowBroker);
      const predicted = flow.frames.at(-1)!.next!;
      const stepped = replay(config({ publishQos: 2, subscribeQos: 2 }), [...actions, S], createFlowBroker).frames.at(-1)!.arrow!;
      expect({ type: stepped.type, from: stepped.from, to: stepped.to }).toEqual({ type: predicted.type, from: predicted.from, to: predicted.to });
    }
  });
});
