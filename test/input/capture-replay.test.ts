/**
 * QoS 1/2 exchanges found in a capture and replayed in the animator: which packets belong to one
 * exchange (packet id and direction), how it travels in the URL hash, what a tampered hash says,
 * and the replay timeline's steps and narration. Headless: a capture built byte by byte, read by
 * the real reader and the capture view's model.
 */
import { describe, expect, it } from 'vitest';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { analyseCapture } from '../../src/input/index.ts';
import { summariseCapture } from '../../src/components/hex-decoder/capture-model.ts';
import { findQosExchanges, isComplete, parseReplay, replayFrame, serializeReplay, type QosExchange } from '../../src/components/qos-animator/capture-replay.ts';
import { say } from '../../src/components/i18n/catalogue.ts';
import { ascii, pcapFile, TcpConversation, type BuiltFrame } from '../support/capture-builder.ts';

const CLIENT = { ip: '10.0.0.2', port: 50000 };
const BROKER = { ip: '10.0.0.1', port: 1883 };

function publish(qos: 0 | 1 | 2, packetId: number | undefined, topic: string, dup = false): Packet {
  return { type: 'PUBLISH', dup, qos, retain: false, topic, packetId, payload: ascii('x') } as Packet;
}

/** One MQTT 5.0 connection with every kind of exchange; frames are 1 ms apart. */
function capture(): ReturnType<typeof summariseCapture> {
  const conv = new TcpConversation({ client: CLIENT, broker: BROKER, startSec: 1_700_000_000 });
  const v5 = (p: Packet) => encodePacket(p, { protocolVersion: 5 });
  const c = (p: Packet) => conv.send('client', v5(p));
  const b = (p: Packet) => conv.send('broker', v5(p));
  const frames: BuiltFrame[] = [
    ...conv.handshake(),
    ...c({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'replay' }),
    ...b({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 }),
    ...c(publish(0, undefined, 'q/zero')),
    // QoS 1 from the client, id 7.
    ...c(publish(1, 7, 'q/one')),
    ...b({ type: 'PUBACK', packetId: 7 }),
    // QoS 2 from the client, id 7 again (a new exchange: the first one completed), resent once with DUP.
    ...c(publish(2, 7, 'q/two')),
    ...c(publish(2, 7, 'q/two', true)),
    // The broker delivers its own QoS 2 PUBLISH with id 7: same id, other direction, another exchange.
    ...b(publish(2, 7, 'q/down')),
    ...b({ type: 'PUBREC', packetId: 7 }),
    ...c({ type: 'PUBREC', packetId: 7 }),
    ...c({ type: 'PUBREL', packetId: 7 }),
    ...b({ type: 'PUBREL', packetId: 7 }),
    ...b({ type: 'PUBCOMP', packetId: 7 }),
    ...c({ type: 'PUBCOMP', packetId: 7 }),
    // Refused: a 5.0 PUBREC with 0x87 ends the exchange.
    ...c(publish(2, 9, 'q/refused')),
    ...b({ type: 'PUBREC', packetId: 9, reasonCode: 0x87 }),
    // A PUBACK for an id nobody published belongs to no exchange.
    ...b({ type: 'PUBACK', packetId: 321 }),
    // Cut short: the capture ends after PUBREC.
    ...c(publish(2, 11, 'q/unfinished')),
    ...b({ type: 'PUBREC', packetId: 11 }),
    // No reply at all: not offered.
    ...c(publish(1, 12, 'q/unanswered')),
  ];
  return summariseCapture('replay.pcap', analyseCapture(pcapFile(frames)));
}

const shape = (e: QosExchange) => `${e.publisher} q${e.qos} id${e.packetId} ${e.steps.map((s) => `${s.type}<${s.from}`).join(' ')}`;

describe('QoS exchanges in a capture', () => {
  const view = capture();
  const connection = view.connections[0]!;
  const exchanges = findQosExchanges(connection.packets, connection.stream);

  it('pairs each PUBLISH with its acknowledgements by packet id and direction, resends included', () => {
    expect(exchanges.map(shape)).toEqual([
      'client q1 id7 PUBLISH<client PUBACK<broker',
      'client q2 id7 PUBLISH<client PUBLISH<client PUBREC<broker PUBREL<client PUBCOMP<broker',
      'broker q2 id7 PUBLISH<broker PUBREC<client PUBREL<broker PUBCOMP<client',
      'client q2 id9 PUBLISH<client PUBREC<broker',
      'client q2 id11 PUBLISH<client PUBREC<broker',
    ]);
    expect(exchanges.map(isComplete)).toEqual([true, true, true, true, false]);
    expect(exchanges[3]!.steps[1]!.reasonCode).toBe(0x87);
    expect(exchanges.every((e) => e.stream === connection.stream && e.version === 5)).toBe(true);
    expect(exchanges[1]!.topic).toBe('q/two');
  });

  it('keeps the captured times relative to the PUBLISH, and the frame numbers', () => {
    const two = exchanges[2]!;
    const publishPacket = connection.packets.find((p) => p.type === 'PUBLISH' && p.topic === 'q/down')!;
    expect(two.start).toBeCloseTo(publishPacket.time, 9);
    expect(two.steps[0]!.frame).toBe(publishPacket.frame);
    // One frame per packet, 1 ms apart in the built capture; the client's PUBREC (2 frames on) is 2 ms after the broker's PUBLISH.
    expect(two.steps.map((s) => s.time)).toEqual([0, 0.002, 0.004, 0.006]);
  });

  it('carries an exchange in a short hash and reads it back unchanged', () => {
    for (const e of exchanges) {
      const hash = serializeReplay(e, 2);
      expect(hash.length).toBeLessThan(200);
      const back = parseReplay(`#${hash}`);
      expect(back.ok, hash).toBe(true);
      if (!back.ok) continue;
      expect(back.state.cursor).toBe(2);
      expect(back.state.exchange).toEqual({ ...e, start: Number(e.start.toFixed(6)) });
    }
  });

  it('answers a tampered hash with a message in both languages, never an exception', () => {
    const good = new URLSearchParams(serializeReplay(exchanges[1]!));
    const tamper = (name: string, value: string | null) => {
      const p = new URLSearchParams(good);
      if (value === null) p.delete(name); else p.set(name, value);
      return p.toString();
    };
    const cases: Array<[string, string]> = [
      [tamper('replay', '3'), 'qos'],
      [tamper('id', '0'), 'packetId'],
      [tamper('id', '70000'), 'packetId'],
      [tamper('by', 'mallory'), 'publisher'],
      [tamper('v', '6'), 'version'],
      [tamper('s', 'P'), 'steps'],
      [tamper('s', 'P'.repeat(40)), 'steps'],
      [tamper('s', 'PPRLX'), 'unknownStep'],
      [tamper('s', 'PPLRC'), 'order'],
      [tamper('s', 'PAR'), 'lengths'],
      [tamper('t', '0_0.001_x_0.003_0.004'), 'time'],
      [tamper('t', '0_0.002_0.001_0.003_0.004'), 'timeOrder'],
      [tamper('t', '1_1_1_1_1'), 'timeOrder'],
      [tamper('f', '9_8_10_11_12'), 'frame'],
      [tamper('rc', 'zz'), 'lengths'],
      [tamper('rc', '_zz___'), 'reasonCode'],
      [tamper('rc', '10____'), 'reasonCode'],
      [tamper('topic', 'a/#'), 'topic'],
      [tamper('stream', '-1'), 'stream'],
      [tamper('at', '6'), 'position'],
      [tamper('at', '<script>'), 'position'],
    ];
    for (const [hash, key] of cases) {
      const result = parseReplay(hash);
      expect(result.ok, hash).toBe(false);
      if (result.ok) continue;
      expect(result.error.key, hash).toBe(`animator.replay.error.${key}`);
      for (const lang of ['en', 'zh-cn'] as const) {
        const text = say(lang, result.error);
        expect(text, `${lang} ${hash}`).not.toMatch(/[{}]|animator\./);
        expect(text.length).toBeGreaterThan(10);
      }
    }
    expect(parseReplay('replay=2&id=1&by=client&v=3.1.1&s=PRLC&t=0_0.1_0.2_0.3&f=1_2_3_4').ok).toBe(true);
  });

  it('steps through a QoS 2 exchange saying who holds what after each packet', () => {
    const e = exchanges[2]!;
    const frames = [0, 1, 2, 3, 4].map((cursor) => replayFrame({ exchange: e, cursor }));
    expect(frames.map((f) => f.rows.map((r) => `${r.type}:${r.from}->${r.to}`).join(' '))).toEqual([
      '',
      'PUBLISH:broker->subscriber',
      'PUBLISH:broker->subscriber PUBREC:subscriber->broker',
      'PUBLISH:broker->subscriber PUBREC:subscriber->broker PUBREL:broker->subscriber',
      'PUBLISH:broker->subscriber PUBREC:subscriber->broker PUBREL:broker->subscriber PUBCOMP:subscriber->broker',
    ]);
    expect(frames.map((f) => [f.senderHolds, f.receiverHoldsId, f.complete])).toEqual([
      [false, false, false], [true, false, false], [true, true, false], [true, false, false], [false, false, true],
    ]);
    expect(frames.map((f) => f.notes.map((n) => n.key.replace('animator.replay.note.', '')).join(' '))).toEqual(['start', 'publish', 'pubrec', 'pubrel', 'pubcomp']);
    expect(say('en', frames[4]!.notes[0]!)).toBe('The client answers PUBCOMP id 7 after 0.002000 s (frame 17), 0.006000 s after the PUBLISH: the QoS 2 exchange is complete.');
    expect(say('zh-cn', frames[2]!.notes[0]!)).toContain('客户端在 0.002000 秒后回复 PUBREC');
    // The client-sent exchange puts the client on the publisher's lane, and a resend is said to be one.
    const resent = replayFrame({ exchange: exchanges[1]!, cursor: 2 });
    expect(resent.rows.map((r) => `${r.from}->${r.to}`)).toEqual(['publisher->broker', 'publisher->broker']);
    expect(resent.notes[0]!.key).toBe('animator.replay.note.resend');
  });

  it('says when the capture ends before the exchange does, and when a PUBREC refuses the message', () => {
    const cut = replayFrame({ exchange: exchanges[4]!, cursor: 2 });
    expect(cut.cutShort).toBe(true);
    expect(cut.notes.map((n) => n.key)).toEqual(['animator.replay.note.pubrec', 'animator.replay.note.cutShort']);
    const refused = replayFrame({ exchange: exchanges[3]!, cursor: 2 });
    expect([refused.complete, refused.cutShort, refused.senderHolds, refused.receiverHoldsId]).toEqual([true, false, false, false]);
    expect(say('en', refused.notes[0]!)).toContain('reason code 0x87');
  });
});
