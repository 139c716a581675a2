/**
 * Guided experiments: "predict, then run". Each is data — parameters, the clients it needs, the
 * steps the lab plays with real MQTT.js clients — plus `observe`, which reads what actually
 * happened (messages received, CONNACKs, the broker's decisions) and names the outcome. The widget
 * compares that with the learner's prediction; test/lab/experiments.test.ts runs every parameter
 * combination and checks that `observe` agrees with `expected`, which states what the MQTT
 * specifications (and mosquitto's defaults) say. Messages are built in experiment-text.ts; the words
 * are in the catalogue (src/components/i18n, section `lab`).
 */
import type { QoS } from '../codec/index.ts';
import type { ClientSetup, Lab, LabRecord } from './lab.ts';
import { LAB_SCRAM_PASSWORD, LAB_SCRAM_USER } from './lab-auth.ts';
import { defaultConnectSpec, NEVER, type ConnectSpec, type DisconnectSpec, type LabMessage, type PublishSpec, type SubscribeSpec, type Version } from './types.ts';

export type Step =
  | { kind: 'connect'; client: string; spec?: ConnectSpec }
  /** Connect only if the broker closed the client's connection (what an auto-reconnecting library does). */
  | { kind: 'reconnect-if-closed'; client: string }
  /** A CONNECT MQTT.js refuses to send, encoded by the lab itself. */
  | { kind: 'raw-connect'; client: string; spec: ConnectSpec }
  | { kind: 'subscribe'; client: string; spec: SubscribeSpec }
  | { kind: 'publish'; client: string; spec: PublishSpec }
  | { kind: 'disconnect'; client: string; spec?: DisconnectSpec }
  | { kind: 'drop'; client: string }
  | { kind: 'silence'; client: string }
  | { kind: 'advance'; ms: number };

export interface ParamDef {
  key: string;
  options: readonly string[];
  default: string;
}

export type Params = Record<string, string>;

export interface ExperimentDef {
  id: string;
  /** The guide that teaches it (content/docs/guides/<guide>.mdx). */
  guide: 'sessions' | 'retained-messages' | 'last-will' | 'keepalive' | 'client-ids' | 'qos' | 'connecting';
  params: ParamDef[];
  /** A reason the combination makes no sense (e.g. a 5.0-only option with 3.1.1), or null. */
  invalid?(p: Params): LabMessage | null;
  /** Possible outcomes the learner chooses from. */
  choices(p: Params): string[];
  clients(p: Params): ClientSetup[];
  steps(p: Params): Step[];
  /** The client whose experience the question is about (highlighted in the widget). */
  watch: string;
  /** The outcome, read from what happened. */
  observe(record: LabRecord, p: Params): string;
  /** What the specification says should happen: the test holds `observe` to it. */
  expected(p: Params): string;
}

const spec = (clientId: string, changes: Partial<ConnectSpec> = {}): ConnectSpec => ({ ...defaultConnectSpec(clientId), ...changes });
const version = (p: Params): Version => (p.version === '5' ? 5 : 4);
const payloadsOf = (record: LabRecord, label: string) => record.received.filter((m) => m.label === label).map((m) => m.payload);
const count = (record: LabRecord, type: string) => record.events.filter((e) => e.type === type).length;

/** A persistent or clean session in the words of either version. */
function sessionSpec(clientId: string, v: Version, persistent: boolean): ConnectSpec {
  return v === 5
    ? spec(clientId, { version: 5, clean: !persistent, sessionExpiry: persistent ? 3600 : 0 })
    : spec(clientId, { version: 4, clean: !persistent });
}

export const EXPERIMENTS: ExperimentDef[] = [
  {
    id: 'session',
    guide: 'sessions',
    params: [
      { key: 'version', options: ['3.1.1', '5'], default: '3.1.1' },
      { key: 'session', options: ['persistent', 'clean'], default: 'persistent' },
      { key: 'qos', options: ['0', '1', '2'], default: '1' },
      { key: 'sub', options: ['offline', 'online'], default: 'offline' },
    ],
    choices: () => ['delivered', 'lost'],
    watch: 'B',
    clients: (p) => [
      { label: 'A', config: spec('publisher', { version: version(p) }) },
      { label: 'B', config: sessionSpec('subscriber', version(p), p.session === 'persistent') },
    ],
    steps: (p) => {
      const qos = Number(p.qos) as QoS;
      const publish: Step[] = [
        { kind: 'connect', client: 'A' },
        { kind: 'publish', client: 'A', spec: { topic: 'lab/news', payload: 'hello', qos, retain: false } },
      ];
      const subscribe: Step[] = [
        { kind: 'connect', client: 'B' },
        { kind: 'subscribe', client: 'B', spec: { filter: 'lab/news', qos } },
      ];
      if (p.sub === 'online') return [...subscribe, ...publish];
      return [...subscribe, { kind: 'disconnect', client: 'B' }, ...publish, { kind: 'connect', client: 'B' }];
    },
    observe: (record) => (payloadsOf(record, 'B').includes('hello') ? 'delivered' : 'lost'),
    // 3.1.1 MQTT-3.1.2-5 / 5.0 §4.1: a session that outlives the connection keeps QoS 1 and 2
    // messages for the client; QoS 0 ones only optionally (mosquitto: queue_qos0_messages false).
    expected: (p) => (p.sub === 'online' || (p.session === 'persistent' && p.qos !== '0') ? 'delivered' : 'lost'),
  },
  {
    id: 'session-expiry',
    guide: 'sessions',
    params: [{ key: 'back', options: ['30', '120'], default: '120' }],
    choices: () => ['delivered', 'lost'],
    watch: 'B',
    clients: () => [
      { label: 'A', config: spec('publisher', { version: 5 }) },
      { label: 'B', config: spec('subscriber', { version: 5, clean: false, sessionExpiry: 60 }) },
    ],
    steps: (p) => [
      { kind: 'connect', client: 'B' },
      { kind: 'subscribe', client: 'B', spec: { filter: 'lab/alerts', qos: 1 } },
      { kind: 'disconnect', client: 'B' },
      { kind: 'connect', client: 'A' },
      { kind: 'publish', client: 'A', spec: { topic: 'lab/alerts', payload: 'door open', qos: 1, retain: false } },
      { kind: 'advance', ms: Number(p.back) * 1000 },
      { kind: 'connect', client: 'B' },
    ],
    observe: (record) => (payloadsOf(record, 'B').includes('door open') ? 'delivered' : 'lost'),
    // 5.0 MQTT-4.1.0-2: the session (and its queued messages) is discarded once the interval has passed.
    expected: (p) => (Number(p.back) < 60 ? 'delivered' : 'lost'),
  },
  {
    id: 'retained',
    guide: 'retained-messages',
    params: [{ key: 'action', options: ['set', 'replace', 'clear'], default: 'set' }],
    choices: (p) => (p.action === 'set' ? ['nothing', 'last'] : p.action === 'replace' ? ['last', 'all', 'first'] : ['nothing', 'empty', 'first']),
    watch: 'B',
    clients: () => [
      { label: 'A', config: spec('thermometer') },
      { label: 'B', config: spec('dashboard') },
    ],
    steps: (p) => {
      const retained = (payload: string): Step => ({ kind: 'publish', client: 'A', spec: { topic: 'lab/temperature', payload, qos: 1, retain: true } });
      const steps: Step[] = [{ kind: 'connect', client: 'A' }, retained('21.5')];
      if (p.action === 'replace') steps.push(retained('22.0'));
      if (p.action === 'clear') steps.push(retained(''));
      steps.push({ kind: 'disconnect', client: 'A' }, { kind: 'connect', client: 'B' }, { kind: 'subscribe', client: 'B', spec: { filter: 'lab/temperature', qos: 1 } });
      return steps;
    },
    observe: (record, p) => {
      const got = payloadsOf(record, 'B');
      if (got.length === 0) return 'nothing';
      if (got.length > 1) return 'all';
      if (got[0] === '') return 'empty';
      return got[0] === (p.action === 'replace' ? '22.0' : p.action === 'set' ? '21.5' : null) ? 'last' : 'first';
    },
    // 3.1.1 MQTT-3.3.1-5/-10, 5.0 MQTT-3.3.1-5/-6: one retained message per topic, replaced by the
    // next, deleted by an empty one, sent to new subscribers.
    expected: (p) => (p.action === 'clear' ? 'nothing' : 'last'),
  },
  {
    id: 'will',
    guide: 'last-will',
    params: [
      { key: 'version', options: ['3.1.1', '5'], default: '3.1.1' },
      { key: 'leave', options: ['drop', 'disconnect', 'disconnect-with-will'], default: 'drop' },
    ],
    invalid: (p) => (p.leave === 'disconnect-with-will' && p.version !== '5' ? { key: 'lab.exp.will.invalid' } : null),
    choices: () => ['sent', 'not-sent'],
    watch: 'B',
    clients: (p) => [
      { label: 'A', config: spec('sensor-1', { version: version(p), will: { topic: 'lab/status/sensor-1', payload: 'offline', qos: 1, retain: false } }) },
      { label: 'B', config: spec('monitor', { version: version(p) }) },
    ],
    steps: (p) => [
      { kind: 'connect', client: 'B' },
      { kind: 'subscribe', client: 'B', spec: { filter: 'lab/status/#', qos: 1 } },
      { kind: 'connect', client: 'A' },
      p.leave === 'drop' ? { kind: 'drop', client: 'A' }
        : p.leave === 'disconnect' ? { kind: 'disconnect', client: 'A' }
          : { kind: 'disconnect', client: 'A', spec: { reasonCode: 0x04 } },
    ],
    observe: (record) => (payloadsOf(record, 'B').includes('offline') ? 'sent' : 'not-sent'),
    // 3.1.1 MQTT-3.1.2-8 / MQTT-3.14.4-3, 5.0 MQTT-3.1.2-10 and §3.14.2.1 (0x04).
    expected: (p) => (p.leave === 'disconnect' ? 'not-sent' : 'sent'),
  },
  {
    id: 'will-delay',
    guide: 'last-will',
    params: [{ key: 'back', options: ['no', 'yes'], default: 'yes' }],
    choices: () => ['sent', 'not-sent'],
    watch: 'B',
    clients: () => [
      { label: 'A', config: spec('sensor-1', { version: 5, clean: false, sessionExpiry: 300, will: { topic: 'lab/status/sensor-1', payload: 'offline', qos: 1, retain: false, delay: 30 } }) },
      { label: 'B', config: spec('monitor', { version: 5 }) },
    ],
    steps: (p) => [
      { kind: 'connect', client: 'B' },
      { kind: 'subscribe', client: 'B', spec: { filter: 'lab/status/#', qos: 1 } },
      { kind: 'connect', client: 'A' },
      { kind: 'drop', client: 'A' },
      ...(p.back === 'yes' ? [{ kind: 'advance', ms: 10_000 } as Step, { kind: 'connect', client: 'A' } as Step, { kind: 'advance', ms: 30_000 } as Step] : [{ kind: 'advance', ms: 40_000 } as Step]),
    ],
    observe: (record) => (payloadsOf(record, 'B').includes('offline') ? 'sent' : 'not-sent'),
    // 5.0 MQTT-3.1.3-9: a client that reconnects to its session before the delay cancels the will.
    expected: (p) => (p.back === 'yes' ? 'not-sent' : 'sent'),
  },
  {
    id: 'keepalive',
    guide: 'keepalive',
    params: [{ key: 'client', options: ['silent', 'pinging'], default: 'silent' }],
    choices: () => ['10', '15', '20', 'never'],
    watch: 'A',
    clients: () => [
      { label: 'A', config: spec('sensor-1', { keepalive: 10, will: { topic: 'lab/status/sensor-1', payload: 'offline', qos: 1, retain: false } }) },
      { label: 'B', config: spec('monitor', { keepalive: 60 }) },
    ],
    steps: (p) => [
      { kind: 'connect', client: 'B' },
      { kind: 'subscribe', client: 'B', spec: { filter: 'lab/status/#', qos: 1 } },
      { kind: 'connect', client: 'A' },
      ...(p.client === 'silent' ? [{ kind: 'silence', client: 'A' } as Step] : []),
      { kind: 'advance', ms: 60_000 },
    ],
    observe: (record) => {
      const expired = record.events.find((e) => e.type === 'keepalive-expired');
      if (expired === undefined) return 'never';
      // A connected at the time of its CONNECT; seconds from its last packet to the broker giving up.
      const lastFromA = record.events.filter((e) => e.type === 'packet' && e.direction === 'in' && e.connectionId === (expired as { connectionId: string }).connectionId && e.time <= expired.time);
      const last = lastFromA.length > 0 ? lastFromA[lastFromA.length - 1]!.time : 0;
      return String(Math.round((expired.time - last) / 1000));
    },
    // 3.1.1 MQTT-3.1.2-24, 5.0 MQTT-3.1.2-22: one and a half times the keepalive without any packet.
    expected: (p) => (p.client === 'silent' ? '15' : 'never'),
  },
  {
    id: 'client-id',
    guide: 'client-ids',
    params: [{ key: 'ids', options: ['same', 'unique'], default: 'same' }],
    choices: () => ['both', 'refused', 'loop'],
    watch: 'A',
    clients: (p) => [
      { label: 'A', config: spec('sensor-1') },
      { label: 'B', config: spec(p.ids === 'same' ? 'sensor-1' : 'sensor-2') },
    ],
    steps: () => [
      { kind: 'connect', client: 'A' },
      { kind: 'connect', client: 'B' },
      { kind: 'advance', ms: 1000 },
      { kind: 'reconnect-if-closed', client: 'A' },
      { kind: 'advance', ms: 1000 },
      { kind: 'reconnect-if-closed', client: 'B' },
      { kind: 'advance', ms: 1000 },
      { kind: 'reconnect-if-closed', client: 'A' },
    ],
    observe: (record) => {
      if (record.connacks.some((c) => c.reasonCode !== 0)) return 'refused';
      // Each takeover closes the other connection, and each reconnect takes over again.
      return count(record, 'client-taken-over') > 0 ? 'loop' : 'both';
    },
    // 3.1.1 MQTT-3.1.4-2, 5.0 MQTT-3.1.4-3: the server disconnects the existing client.
    expected: (p) => (p.ids === 'same' ? 'loop' : 'both'),
  },
  {
    id: 'empty-id',
    guide: 'client-ids',
    params: [{ key: 'variant', options: ['3.1.1-clean', '3.1.1-persistent', '5'], default: '3.1.1-persistent' }],
    choices: () => ['refused', 'assigned-silent', 'assigned-told'],
    watch: 'A',
    clients: (p) => [{ label: 'A', config: p.variant === '5' ? spec('', { version: 5 }) : spec('', { clean: p.variant === '3.1.1-clean' }) }],
    steps: (p) => (p.variant === '3.1.1-persistent'
      ? [{ kind: 'raw-connect', client: 'A', spec: spec('', { clean: false }) }]
      : [{ kind: 'connect', client: 'A' }]),
    observe: (record) => {
      const connack = record.connacks.find((c) => c.label === 'A');
      if (connack === undefined || connack.reasonCode !== 0) return 'refused';
      return connack.assignedClientId !== null ? 'assigned-told' : 'assigned-silent';
    },
    // 3.1.1 MQTT-3.1.3-6/-8 (0x02 Identifier rejected), 5.0 MQTT-3.1.3-6 and MQTT-3.2.2-16.
    expected: (p) => (p.variant === '3.1.1-persistent' ? 'refused' : p.variant === '5' ? 'assigned-told' : 'assigned-silent'),
  },
  {
    id: 'downgrade',
    guide: 'qos',
    params: [
      { key: 'pub', options: ['0', '1', '2'], default: '2' },
      { key: 'sub', options: ['0', '1', '2'], default: '0' },
    ],
    choices: () => ['0', '1', '2'],
    watch: 'B',
    clients: () => [
      { label: 'A', config: spec('publisher') },
      { label: 'B', config: spec('subscriber') },
    ],
    steps: (p) => [
      { kind: 'connect', client: 'B' },
      { kind: 'subscribe', client: 'B', spec: { filter: 'lab/downgrade', qos: Number(p.sub) as QoS } },
      { kind: 'connect', client: 'A' },
      { kind: 'publish', client: 'A', spec: { topic: 'lab/downgrade', payload: 'reading', qos: Number(p.pub) as QoS, retain: false } },
    ],
    observe: (record) => {
      const got = record.received.find((m) => m.label === 'B');
      return got === undefined ? 'none' : String(got.qos);
    },
    // 3.1.1 MQTT-3.8.4-6, 5.0 MQTT-3.8.4-8: the lower of the published and the granted QoS.
    expected: (p) => String(Math.min(Number(p.pub), Number(p.sub))),
  },
  {
    id: 'enhanced-auth',
    guide: 'connecting',
    params: [{ key: 'password', options: ['right', 'wrong'], default: 'right' }],
    choices: () => ['accepted', 'bad-credentials', 'not-authorized'],
    watch: 'A',
    clients: (p) => [{
      label: 'A',
      config: spec('reader-laptop', { version: 5, auth: { method: 'SCRAM-SHA-256', username: LAB_SCRAM_USER, password: p.password === 'wrong' ? 'not-the-password' : LAB_SCRAM_PASSWORD } }),
    }],
    steps: () => [{ kind: 'connect', client: 'A' }],
    observe: (record) => {
      const code = record.connacks.find((c) => c.label === 'A')?.reasonCode;
      return code === 0 ? 'accepted' : code === 0x86 ? 'bad-credentials' : code === 0x87 ? 'not-authorized' : `other-${code ?? 'none'}`;
    },
    // 5.0 §4.12: CONNECT (Authentication Method, client-first) → AUTH 0x18 (server-first) → AUTH 0x18
    // (client-final with the proof) → CONNACK 0x00 with the server's signature. A wrong proof ends in a
    // CONNACK with an error code (MQTT-4.12.0-4): this broker says 0x86 Bad User Name or Password,
    // as SCRAM's "invalid-proof" is a credentials failure (5.0 §3.2.2.2).
    expected: (p) => (p.password === 'wrong' ? 'bad-credentials' : 'accepted'),
  },
];

export function experimentById(id: string): ExperimentDef | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

export function defaultParams(def: ExperimentDef): Params {
  return Object.fromEntries(def.params.map((p) => [p.key, p.default]));
}

/** Every valid parameter combination, for tests. */
export function allParams(def: ExperimentDef): Params[] {
  let combos: Params[] = [{}];
  for (const param of def.params) combos = combos.flatMap((c) => param.options.map((o) => ({ ...c, [param.key]: o })));
  return combos.filter((p) => def.invalid?.(p) == null);
}

export interface RunHooks {
  /** Before each step (the widget shows it and pauses so a person can follow). */
  beforeStep?(index: number, step: Step): Promise<void> | void;
  afterStep?(index: number, step: Step): Promise<void> | void;
  /** Return true to stop between steps. */
  cancelled?(): boolean;
}

export interface ExperimentResult {
  outcome: string;
  expected: string;
  completed: boolean;
}

/** Resets the lab to the experiment's clients and plays its steps with them. */
export async function runExperiment(lab: Lab, def: ExperimentDef, params: Params, hooks: RunHooks = {}): Promise<ExperimentResult> {
  if (lab.mode !== 'memory') throw new Error('Experiments run on the in-browser broker.');
  lab.reset(def.clients(params));
  const steps = def.steps(params);
  for (let i = 0; i < steps.length; i++) {
    if (hooks.cancelled?.()) return { outcome: def.observe(lab.record, params), expected: def.expected(params), completed: false };
    const step = steps[i]!;
    await hooks.beforeStep?.(i, step);
    await applyStep(lab, step);
    await lab.settle();
    await hooks.afterStep?.(i, step);
  }
  return { outcome: def.observe(lab.record, params), expected: def.expected(params), completed: true };
}

export async function applyStep(lab: Lab, step: Step): Promise<void> {
  switch (step.kind) {
    case 'connect':
      if (step.spec !== undefined) lab.configure(step.client, step.spec);
      await lab.connect(step.client);
      return;
    case 'reconnect-if-closed':
      if (lab.client(step.client).status === 'offline') await lab.connect(step.client);
      return;
    case 'raw-connect':
      await lab.rawConnect(step.client, step.spec);
      return;
    case 'subscribe':
      await lab.subscribe(step.client, step.spec);
      return;
    case 'publish':
      await lab.publish(step.client, step.spec);
      return;
    case 'disconnect':
      await lab.disconnect(step.client, step.spec);
      return;
    case 'drop':
      await lab.drop(step.client);
      return;
    case 'silence':
      lab.mark(`silence:${step.client}`);
      lab.setPinging(step.client, false);
      return;
    case 'advance':
      await lab.advance(step.ms);
      return;
  }
}

export { NEVER };
