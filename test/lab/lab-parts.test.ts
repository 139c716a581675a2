/** The lab's pure parts: URL state, words, virtual timers, packet capture, and the engine's bookkeeping. */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/mqtt/codec/index.ts';
import { PacketCapture } from '../../src/mqtt/lab/capture.ts';
import { LAB_TEXT_EN } from '../../src/mqtt/lab/experiment-text.ts';
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
      if (!result.ok) expect(result.error, query).toMatch(message);
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
  it('label every parameter option and every possible outcome, and explain every outcome', () => {
    for (const def of EXPERIMENTS) {
      const text = LAB_TEXT_EN.experiments[def.id];
      expect(text, def.id).toBeDefined();
      for (const param of def.params) {
        for (const option of param.options) expect(text!.params[param.key]?.options[option], `${def.id} ${param.key}=${option}`).toBeTruthy();
      }
      for (const params of allParams(def)) {
        const labels = text!.choices(params);
        for (const choice of def.choices(params)) {
          expect(labels[choice], `${def.id} ${JSON.stringify(params)} ${choice}`).toBeTruthy();
          expect(text!.explain(params, choice).length).toBeGreaterThan(40);
        }
        expect(text!.setup(params).length).toBeGreaterThan(40);
        expect(text!.question(params)).toMatch(/\?$/);
        const configs = new Map(def.clients(params).map((c) => [c.label, c.config]));
        for (const step of def.steps(params)) expect(LAB_TEXT_EN.step(step, (l) => configs.get(l)).length).toBeGreaterThan(8);
      }
    }
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
    expect(summarizePacket({ type: 'PUBLISH', dup: true, qos: 1, retain: true, topic: 'lab/t', packetId: 3, payload: new TextEncoder().encode('21.5') }, 4))
      .toBe('PUBLISH "lab/t" QoS 1 id 3 RETAIN DUP: "21.5"');
    expect(summarizePacket({ type: 'CONNACK', sessionPresent: true, reasonCode: 0, properties: { assignedClientIdentifier: 'auto-1' } }, 5))
      .toBe('CONNACK session present 1, 0x00 Success (assigned id "auto-1")');
    expect(summarizePacket({ type: 'DISCONNECT', reasonCode: 0x8e }, 5)).toContain('0x8e Session taken over');
    expect(summarizePacket({ type: 'PUBLISH', dup: false, qos: 0, retain: true, topic: 't', payload: new Uint8Array(0) }, 4)).toContain('empty payload');
    expect(summarizePacket({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array([0, 1, 2]) }, 4)).toContain('3 bytes');
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
    expect(l.getView().nextDeadline).toEqual({ time: 15_000, what: 'keepalive of A (sensor) runs out (1.5 × 10 s without a packet)' });
    expect(await l.advanceToNextDeadline()).toBe(true);
    expect(l.client('A').status).toBe('offline');
    expect(l.getView().nextDeadline).toEqual({ time: 45_000, what: 'session of sensor expires' });
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
    expect(l.getView().log.some((e) => e.kind === 'note' && e.summary.includes('DISCONNECT 0x8e'))).toBe(true);
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
