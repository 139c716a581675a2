/** The lab's pure parts: URL state, words, virtual timers, packet capture, and the engine's bookkeeping. */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/mqtt/codec/index.ts';
import { PacketCapture } from '../../src/mqtt/lab/capture.ts';
import { choiceMessage, experimentTitle, explainMessage, paramLabel, paramOption, questionMessage, setupMessage, stepMessage } from '../../src/mqtt/lab/experiment-text.ts';
import { labSay } from '../../src/components/broker-lab/text.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';
import type { Lang } from '../../src/components/i18n/lang.ts';
import type { LabText } from '../../src/mqtt/lab/types.ts';

const en = (text: LabText) => labSay('en', text);
import { allParams, EXPERIMENTS } from '../../src/mqtt/lab/experiments.ts';
import { Lab } from '../../src/mqtt/lab/lab.ts';
import { summarizePacket } from '../../src/mqtt/lab/summary.ts';
import { defaultConnectSpec } from '../../src/mqtt/lab/types.ts';
import { brokerUrlProblem, initialUrlState, isMixedContent, parse, serialize } from '../../src/mqtt/lab/url-state.ts';
import { VirtualTimers } from '../../src/mqtt/lab/virtual-timers.ts';
import { createManualClock } from '../../src/mqtt/broker/index.ts';

describe('URL state', () => {
  it('round-trips every experiment with every parameter combination, and the broker mode', () => {
    for (const def of EXPERIMENTS) {
      for (const params of allParams(def)) {
        const state = { experiment: def.id, params, mode: 'broker' as const, url: 'wss://broker.example:8884/mqtt' };
        expect(parse(`#${serialize(state)}`)).toEqual({ ok: true, state });
      }
    }
  });

  it('keeps the default link short', () => {
    expect(serialize(initialUrlState('keepalive'))).toBe('x=keepalive&client=silent');
  });

  it('explains each kind of tampering instead of failing', () => {
    const cases: Array<[string, RegExp]> = [
      ['x=teleport', /experiment called "teleport"/],
      ['x=session&qos=3', /qos to "3"; it must be one of 0, 1, 2/],
      ['x=will&version=3.1.1&leave=disconnect-with-will', /only in MQTT 5\.0/],
      ['x=session&mode=cloud', /mode is "cloud"/],
      ['x=session&url=http://example.com', /starts with http:\/\//],
      ['x=session&url=mqtt://example.com:1883', /web pages cannot open/],
      ['x=session&url=ws://user:pw@example.com', /user name or password/],
      ['x=session&url=%3Cscript%3E', /is not a URL/],
      [`x=session&url=wss://${'a'.repeat(300)}.com`, /longer than 200/],
    ];
    for (const [query, message] of cases) {
      const result = parse(query);
      expect(result.ok, query).toBe(false);
      if (!result.ok) {
        expect(en(result.error), query).toMatch(message);
        // In Chinese too: a sentence from the catalogue, never a bare key.
        expect(labSay('zh-cn', result.error), query).not.toMatch(/lab\./);
        expect(labSay('zh-cn', result.error), query).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(result.state).toEqual(initialUrlState());
    }
  });

  it('limits a guide to its own experiments', () => {
    const result = parse('#x=keepalive', initialUrlState('retained'), ['retained']);
    expect(result.ok).toBe(false);
  });

  it('knows which ws:// URLs an https page may not open', () => {
    expect(isMixedContent('https:', 'ws://broker.example:9001')).toBe(true);
    expect(isMixedContent('https:', 'wss://broker.example:8884/mqtt')).toBe(false);
    expect(isMixedContent('https:', 'ws://127.0.0.1:9001')).toBe(false);
    expect(isMixedContent('https:', 'ws://localhost:9001')).toBe(false);
    expect(isMixedContent('https:', 'ws://[::1]:9001')).toBe(false);
    expect(isMixedContent('http:', 'ws://broker.example:9001')).toBe(false);
    expect(brokerUrlProblem('wss://test.mosquitto.org:8081')).toBeNull();
  });
});

describe('experiment words', () => {
  /** Every message the experiments can show, for every parameter combination. */
  function everyMessage(): Array<{ key: string; values?: Readonly<Record<string, string | number | boolean>> }> {
    const all = [];
    for (const def of EXPERIMENTS) {
      all.push(experimentTitle(def.id));
      for (const param of def.params) {
        all.push(paramLabel(def.id, param.key));
        for (const option of param.options) all.push(paramOption(def.id, param.key, option));
      }
      for (const params of allParams(def)) {
        for (const choice of def.choices(params)) all.push(choiceMessage(def.id, choice, params));
        all.push(setupMessage(def.id, params), questionMessage(def.id, params), explainMessage(def.id, params));
        const configs = new Map(def.clients(params).map((c) => [c.label, c.config]));
        for (const step of def.steps(params)) all.push(stepMessage(step, (l) => configs.get(l)));
      }
      for (const params of [{ version: '3.1.1', leave: 'disconnect-with-will' }]) { const invalid = def.invalid?.(params); if (invalid) all.push(invalid); }
    }
    return all;
  }

  it('has a sentence in both languages for every title, option, outcome, setup, question, explanation and step', () => {
    for (const message of everyMessage()) {
      expect(hasKey(message.key), message.key).toBe(true);
      for (const lang of ['en', 'zh-cn'] as Lang[]) {
        const text = labSay(lang, message);
        // Every placeholder was filled and every select found its case.
        expect(text, `${lang} ${message.key}`).not.toMatch(/[{}]/);
        expect(text.length, `${lang} ${message.key}`).toBeGreaterThan(0);
      }
    }
  });

  it('reads as the English guides quote it, and as Chinese on the Chinese pages', () => {
    const p = { version: '3.1.1', session: 'persistent', qos: '1', sub: 'offline' };
    expect(en(setupMessage('session', p))).toBe('B subscribes to lab/news with QoS 1, connecting with Clean Session 0 (a persistent session). Then B disconnects. While B is away, A publishes “hello” on lab/news with QoS 1. Then B connects again, with the same client id and the same session settings.');
    expect(en(questionMessage('session', p))).toBe('Does B receive “hello” when it comes back?');
    expect(en(explainMessage('downgrade', { pub: '2', sub: '0' }))).toContain('B asked for at most QoS 0, so it gets QoS 0');
    expect(labSay('zh-cn', setupMessage('session', { ...p, version: '5' }))).toBe('B 连接时设置 Clean Start 0 和 3600 秒的会话过期间隔（会话在连接断开后继续保留），并以 QoS 1 订阅 lab/news。随后 B 断开连接。B 离线期间，A 以 QoS 1 在 lab/news 上发布“hello”。之后 B 用同一个客户端标识符、同样的会话设置再次连接。');
    expect(labSay('zh-cn', stepMessage({ kind: 'advance', ms: 60_000 }, () => undefined))).toBe('时间流逝：1 分钟');
    expect(en(stepMessage({ kind: 'advance', ms: 120_000 }, () => undefined))).toBe('Time passes: 2 minutes');
    expect(en(stepMessage({ kind: 'connect', client: 'B', spec: { ...defaultConnectSpec('s'), version: 5, clean: false, sessionExpiry: 3600 } }, () => undefined)))
      .toBe('B connects: MQTT 5.0, client id s, Clean Start 0, Session Expiry Interval 3600 s, keepalive 60 s');
  });
});

describe('virtual timers', () => {
  it('fire intervals on the virtual clock, in order, and not while paused', () => {
    const clock = createManualClock(0);
    const timers = new VirtualTimers(clock);
    const a = timers.group();
    const b = timers.group();
    const fired: string[] = [];
    a.timer.set(() => fired.push(`a@${clock.now()}`), 5000);
    const idB = b.timer.set(() => fired.push(`b@${clock.now()}`), 3000);
    const walk = (until: number) => {
      for (let next = timers.nextDue(); next !== null && next <= until; next = timers.nextDue()) {
        clock.set(next);
        timers.fireDue();
      }
      clock.set(until);
    };
    walk(10_000);
    expect(fired).toEqual(['b@3000', 'a@5000', 'b@6000', 'b@9000', 'a@10000']);
    fired.length = 0;
    a.paused = true;
    walk(20_000);
    expect(fired).toEqual(['b@12000', 'b@15000', 'b@18000']);
    fired.length = 0;
    b.timer.clear(idB);
    a.resume();
    walk(30_000);
    expect(fired).toEqual(['a@25000', 'a@30000']);
    a.dispose();
    expect(timers.size).toBe(0);
  });
});

describe('packet capture', () => {
  it('cuts a byte stream cut anywhere into packets with their own bytes', () => {
    const packets = [
      encodePacket({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 }, { protocolVersion: 4 }),
      encodePacket({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'a/b', packetId: 7, payload: new TextEncoder().encode('x'.repeat(300)) }, { protocolVersion: 4 }),
      encodePacket({ type: 'PINGRESP' }, { protocolVersion: 4 }),
    ];
    const stream = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of packets) { stream.set(p, at); at += p.length; }
    for (const cut of [1, 3, 7, 64, stream.length]) {
      const capture = new PacketCapture(4);
      const got: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += cut) got.push(...capture.feed(stream.subarray(i, i + cut)).packets.map((p) => p.bytes));
      expect(got, `cut ${cut}`).toEqual(packets.map((p) => new Uint8Array(p)));
    }
  });
});

describe('packet summaries', () => {
  it('say what a Wireshark Info column would', () => {
    expect(en(summarizePacket({ type: 'PUBLISH', dup: true, qos: 1, retain: true, topic: 'lab/t', packetId: 3, payload: new TextEncoder().encode('21.5') }, 4)))
      .toBe('PUBLISH "lab/t" QoS 1 id 3 RETAIN DUP: "21.5"');
    expect(en(summarizePacket({ type: 'CONNACK', sessionPresent: true, reasonCode: 0, properties: { assignedClientIdentifier: 'auto-1' } }, 5)))
      .toBe('CONNACK session present 1, 0x00 Success (assigned id "auto-1")');
    expect(en(summarizePacket({ type: 'DISCONNECT', reasonCode: 0x8e }, 5))).toContain('0x8e Session taken over');
    expect(en(summarizePacket({ type: 'PUBLISH', dup: false, qos: 0, retain: true, topic: 't', payload: new Uint8Array(0) }, 4))).toContain('empty payload');
    expect(en(summarizePacket({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array([0, 1, 2]) }, 4))).toContain('3 bytes');
    expect(en(summarizePacket({ type: 'SUBSCRIBE', packetId: 2, subscriptions: [{ topicFilter: 'a/#', qos: 1, noLocal: true }, { topicFilter: 'b', qos: 0 }] }, 5)))
      .toBe('SUBSCRIBE id 2: "a/#" QoS 1, no local; "b" QoS 0');
  });

  it('read as Chinese on the Chinese pages, with packet, field and reason-code names kept', () => {
    const zh = (packet: Parameters<typeof summarizePacket>[0], v: 4 | 5 = 4) => labSay('zh-cn', summarizePacket(packet, v));
    expect(zh({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 60, clientId: 'subscriber' }))
      .toBe('CONNECT 3.1.1，标识符 "subscriber"，Clean Session 0，保活时间 60 秒');
    expect(zh({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'lab/news', packetId: 1, payload: new TextEncoder().encode('hello') }))
      .toBe('PUBLISH "lab/news" QoS 1，标识符 1："hello"');
    expect(zh({ type: 'SUBACK', packetId: 1, reasonCodes: [1, 0x80] })).toBe('SUBACK，标识符 1：授予 QoS 1，0x80 Failure');
    expect(zh({ type: 'CONNACK', sessionPresent: false, reasonCode: 0, properties: { sessionExpiryInterval: 0xffff_ffff, userProperties: [['a', 'b']] } }, 5))
      .toBe('CONNACK，Session Present 0，0x00 Success（会话过期间隔 永不过期，1 个用户属性）');
  });
});

describe('the lab engine', () => {
  let lab: Lab | null = null;
  afterEach(() => { lab?.dispose(); lab = null; });
  const newLab = () => (lab = new Lab({ MqttClient: mqtt.MqttClient as never }));

  it('adds and removes clients with free labels, and resets to a clean broker', async () => {
    const l = newLab();
    l.reset([{ label: 'A', config: defaultConnectSpec('a') }, { label: 'B', config: defaultConnectSpec('b') }]);
    expect(l.addClient()).toBe('C');
    l.removeClient('B');
    expect(l.addClient()).toBe('B');
    expect(l.clientLabels).toEqual(['A', 'B', 'C']);
    await l.connect('A');
    await l.advance(5000);
    l.reset();
    expect(l.clientLabels).toEqual(['A', 'B', 'C']);
    expect(l.getView().clients.every((c) => c.status === 'offline')).toBe(true);
    expect(l.getView().log).toEqual([]);
    expect(l.now()).toBe(0);
    expect(l.memoryBroker!.inspect().sessions).toEqual([]);
  });

  it('names the next broker deadline', async () => {
    const l = newLab();
    l.reset([{ label: 'A', config: { ...defaultConnectSpec('sensor'), version: 5, clean: false, sessionExpiry: 30, keepalive: 10 } }]);
    await l.connect('A');
    l.setPinging('A', false);
    expect(en(l.getView().nextDeadline!.what)).toBe('keepalive of A (sensor) runs out (1.5 × 10 s without a packet)');
    expect(labSay('zh-cn', l.getView().nextDeadline!.what)).toBe('A (sensor) 的保活时间耗尽（1.5 × 10 秒内没有任何报文）');
    expect(l.getView().nextDeadline!.time).toBe(15_000);
    expect(await l.advanceToNextDeadline()).toBe(true);
    expect(l.client('A').status).toBe('offline');
    expect(l.getView().nextDeadline).toMatchObject({ time: 45_000 });
    expect(en(l.getView().nextDeadline!.what)).toBe('session of sensor expires');
    await l.advanceToNextDeadline();
    expect(l.getView().snapshot!.sessions).toEqual([]);
    expect(await l.advanceToNextDeadline()).toBe(false);
  });

  it('tells a 5.0 client why the broker closed its connection', async () => {
    const l = newLab();
    l.reset([{ label: 'A', config: { ...defaultConnectSpec('same'), version: 5 } }, { label: 'B', config: { ...defaultConnectSpec('same'), version: 5 } }]);
    await l.connect('A');
    await l.connect('B');
    expect(l.client('A').status).toBe('offline');
    expect(l.getView().log.some((e) => e.kind === 'note' && en(e.summary).includes('DISCONNECT 0x8e'))).toBe(true);
    expect(l.getView().log.filter((e) => e.kind === 'note').map((e) => labSay('zh-cn', e.summary))).toEqual(['代理服务器通知 A：DISCONNECT 0x8e（client id same connected again on c2）']); // the Reason String is the broker's, as sent
  });

  it('sends 5.0 publish properties and shows them on arrival', async () => {
    const l = newLab();
    l.reset([{ label: 'A', config: { ...defaultConnectSpec('a'), version: 5 } }, { label: 'B', config: { ...defaultConnectSpec('b'), version: 5 } }]);
    await l.connect('B');
    await l.subscribe('B', { filter: 'x/#', qos: 1, noLocal: true });
    await l.connect('A');
    await l.publish('A', { topic: 'x/1', payload: 'p', qos: 1, retain: false, messageExpiry: 60, userProperties: [['k', '1'], ['k', '2']] });
    expect(l.client('B').received).toMatchObject([{ payload: 'p', messageExpiry: 60, userProperties: [['k', '1'], ['k', '2']] }]);
    expect(l.getView().snapshot!.sessions.find((s) => s.clientId === 'b')!.subscriptions[0]).toMatchObject({ filter: 'x/#', noLocal: true });
  });
});

describe('the log in both languages', () => {
  let lab: Lab | null = null;
  afterEach(() => { lab?.dispose(); lab = null; });

  it('writes every broker decision of an experiment as a message, in English as the broker describes it and in Chinese', async () => {
    const { describeBrokerEvent } = await import('../../src/mqtt/broker/index.ts');
    const { runExperiment, experimentById } = await import('../../src/mqtt/lab/experiments.ts');
    const l = (lab = new Lab({ MqttClient: mqtt.MqttClient as never }));
    await runExperiment(l, experimentById('will-delay')!, { back: 'no' });
    const events = l.getView().log.filter((e) => e.kind === 'event');
    expect(events.length).toBeGreaterThan(5);
    const described = l.record.events.map((e) => describeBrokerEvent(e)).filter((d): d is string => d !== null);
    for (const e of events) {
      expect(typeof e.summary).toBe('object');
      // The English line is the broker's own description, word for word, except the will's time in seconds.
      expect(described).toContain(en(e.summary).replace(/at (\d+)\.(\d{3}) s$/, (_, s, ms) => `at ${Number(s) * 1000 + Number(ms)}`));
      const zh = labSay('zh-cn', e.summary);
      expect(zh, en(e.summary)).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/[{}]/);
    }
  });
});

describe('lab text with its data marked', () => {
  it('keeps client ids, payloads and reason-code names apart from the catalogue words, in both languages', async () => {
    const { labMarked } = await import('../../src/components/broker-lab/text.ts');
    const { setupMessage } = await import('../../src/mqtt/lab/experiment-text.ts');
    for (const lang of ['en', 'zh-cn'] as Lang[]) {
      const parts = labMarked(lang, setupMessage('will', { version: '3.1.1', leave: 'drop' }));
      expect(parts.filter((p) => p.data).map((p) => p.text)).toEqual(expect.arrayContaining(['sensor-1', 'monitor', 'offline']));
      // The select on `leave` still chose its sentence: no mark or raw value leaks into the words.
      expect(parts.filter((p) => !p.data).map((p) => p.text).join('')).not.toMatch(/\u0001|monitor|drop/);
    }
    const summary = summarizePacket({ type: 'PUBACK', packetId: 7, reasonCode: 0x10 }, 5);
    expect(labMarked('zh-cn', summary).filter((p) => p.data).map((p) => p.text).join(' ')).toContain('0x10 No matching subscribers');
    expect(labMarked('zh-cn', setupMessage('empty-id', { variant: '3.1.1-persistent' })).map((p) => p.text).join('')).not.toMatch(/must be given/);
  });
});
