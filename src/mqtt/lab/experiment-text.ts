/**
 * The words of the guided experiments, in English. A translation provides another object of the
 * same type (the widget takes it as a prop); the logic in experiments.ts never contains prose.
 */
import type { Params, Step } from './experiments.ts';
import { NEVER, type ConnectSpec } from './types.ts';

export interface ExperimentText {
  title: string;
  /** What is set up and what happens, before the question. */
  setup(p: Params): string;
  question(p: Params): string;
  choices(p: Params): Record<string, string>;
  /** Why it came out as it did. */
  explain(p: Params, outcome: string): string;
  params: Record<string, { label: string; options: Record<string, string> }>;
}

export interface LabText {
  experiments: Record<string, ExperimentText>;
  /** One line per scripted step. */
  step(step: Step, configOf: (label: string) => ConnectSpec | undefined): string;
  sessionWords(spec: ConnectSpec): string;
  duration(ms: number): string;
}

const q = (text: string) => `“${text}”`;

export function duration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function sessionWords(spec: ConnectSpec): string {
  if (spec.version !== 5) return `Clean Session ${spec.clean ? 1 : 0}`;
  const expiry = spec.sessionExpiry === NEVER ? 'never' : `${spec.sessionExpiry} s`;
  return `Clean Start ${spec.clean ? 1 : 0}, Session Expiry Interval ${expiry}`;
}

const versionOptions = { '3.1.1': 'MQTT 3.1.1', 5: 'MQTT 5.0' };
const qosOptions = { 0: 'QoS 0', 1: 'QoS 1', 2: 'QoS 2' };

const sessionChoice = (p: Params) => {
  const persistent = p.session === 'persistent';
  if (p.version === '5') return persistent ? 'Clean Start 0 and a Session Expiry Interval of 3600 s (a session that outlives the connection)' : 'Clean Start 1 and a Session Expiry Interval of 0 (the session ends with the connection)';
  return persistent ? 'Clean Session 0 (a persistent session)' : 'Clean Session 1 (a clean session, which ends with the connection)';
};

export const EXPERIMENT_TEXT_EN: Record<string, ExperimentText> = {
  session: {
    title: 'Sessions: clean or persistent × QoS 0, 1, 2',
    params: {
      version: { label: 'Version', options: versionOptions },
      session: { label: 'B’s session', options: { persistent: 'persistent', clean: 'clean' } },
      qos: { label: 'QoS (publish and subscription)', options: qosOptions },
      sub: { label: 'When A publishes, B is', options: { offline: 'offline', online: 'online' } },
    },
    setup: (p) => `B subscribes to lab/news with QoS ${p.qos}, connecting with ${sessionChoice(p)}. ${p.sub === 'offline'
      ? `Then B disconnects. While B is away, A publishes ${q('hello')} on lab/news with QoS ${p.qos}. Then B connects again, with the same client id and the same session settings.`
      : `B stays connected while A publishes ${q('hello')} on lab/news with QoS ${p.qos}.`}`,
    question: (p) => (p.sub === 'offline' ? `Does B receive ${q('hello')} when it comes back?` : `Does B receive ${q('hello')}?`),
    choices: () => ({ delivered: 'Yes, B receives it', lost: 'No, the message is lost for B' }),
    explain: (p) => {
      const qos = Number(p.qos);
      if (p.sub === 'online') {
        return `B is connected, so the broker forwards the message at once, at QoS ${qos}. Online delivery does not depend on the kind of session: sessions only matter for what happens while a client is away. Switch B to offline to see the difference.`;
      }
      if (p.session === 'clean') {
        return `With ${p.version === '5' ? 'a Session Expiry Interval of 0' : 'Clean Session 1'}, B’s session ended with its connection, and its subscription with it. When A published, nobody was subscribed to lab/news${qos > 0 ? ` — a higher QoS cannot help when there is no session to keep the message in` : ''}. B came back to a new, empty session (Session Present = 0) and would have to subscribe again.`;
      }
      if (qos === 0) {
        return `B’s session survived, subscription included, yet the message was dropped (look for ${q('qos0-offline')} in the log). The specification lets a broker keep QoS 0 messages for offline clients or not; mosquitto does not by default (queue_qos0_messages false), and neither does this lab’s broker. A message that must survive a disconnect needs QoS 1 or 2 on both the publish and the subscription.`;
      }
      return `B’s session outlived its connection: the broker kept B’s subscription and queued the QoS ${qos} message while B was away (${q('queued lab/news for subscriber')} in the log, and the inspector’s queue). When B came back the CONNACK said Session Present = 1 and the broker sent the message at once — B did not even subscribe again.`;
    },
  },
  'session-expiry': {
    title: 'MQTT 5.0: Session Expiry Interval',
    params: { back: { label: 'B comes back after', options: { 30: '30 s', 120: '2 minutes' } } },
    setup: (p) => `B connects with MQTT 5.0, Clean Start 0 and a Session Expiry Interval of 60 s, subscribes to lab/alerts with QoS 1, and disconnects. A publishes ${q('door open')} on lab/alerts with QoS 1. B connects again (Clean Start 0) after ${p.back === '30' ? '30 s' : '2 minutes'}.`,
    question: () => `Does B receive ${q('door open')} when it comes back?`,
    choices: () => ({ delivered: 'Yes, it was kept for B', lost: 'No, it is gone' }),
    explain: (p) => (p.back === '30'
      ? 'B came back within the 60 s, so the broker still had its session, with the subscription and the queued message. The CONNACK said Session Present = 1 and the message arrived. Try coming back after 2 minutes.'
      : 'Sixty seconds after B disconnected, the broker discarded its session (“session of subscriber ended” in the log), and with it the subscription and the queued message. B reconnected to a brand-new session (Session Present = 0). MQTT 5.0 replaces 3.1.1’s all-or-nothing Clean Session 0 with this time limit, so a broker does not keep sessions for clients that never return.'),
  },
  retained: {
    title: 'Retained messages: set, replace, clear',
    params: {
      action: {
        label: 'Before B subscribes, A publishes',
        options: { set: 'one retained message', replace: 'two retained messages', clear: 'a retained message, then an empty one' },
      },
    },
    setup: (p) => {
      const first = `A publishes ${q('21.5')} on lab/temperature with RETAIN = 1`;
      const rest = p.action === 'set' ? '' : p.action === 'replace' ? `, then ${q('22.0')} with RETAIN = 1` : ', then a message with an empty payload and RETAIN = 1';
      return `${first}${rest}, and disconnects. Later, B connects and subscribes to lab/temperature.`;
    },
    question: () => 'What does B receive when it subscribes?',
    choices: (p): Record<string, string> => (p.action === 'set'
      ? { nothing: 'Nothing: it was not connected when A published', last: `${q('21.5')}, the retained message` }
      : p.action === 'replace'
        ? { last: `Only ${q('22.0')}, the latest`, all: `Both, ${q('21.5')} then ${q('22.0')}`, first: `Only ${q('21.5')}, the first` }
        : { nothing: 'Nothing', empty: 'An empty message', first: `${q('21.5')}, the last real value` }),
    explain: (p) => (p.action === 'set'
      ? 'The broker keeps the last retained message of each topic and sends it to every new subscriber right after the SUBACK — even though A is long gone. It arrives with RETAIN = 1, so B can tell a stored value from live news. Retained messages are how a dashboard shows the current temperature the moment it opens.'
      : p.action === 'replace'
        ? 'A topic holds at most one retained message; each retained publish replaces the one before. A new subscriber gets the latest value, not a history.'
        : 'A retained publish with an empty payload is not stored: it deletes the retained message of that topic (3.1.1 MQTT-3.3.1-10/-11, 5.0 MQTT-3.3.1-6/-7). So B receives nothing. Clients subscribed at the moment of the empty publish do receive it, as an ordinary empty message.'),
  },
  will: {
    title: 'Last will: a drop or a DISCONNECT',
    params: {
      version: { label: 'Version', options: versionOptions },
      leave: { label: 'A leaves by', options: { drop: 'losing its network connection', disconnect: 'sending DISCONNECT', 'disconnect-with-will': 'sending DISCONNECT with reason code 0x04' } },
    },
    setup: (p) => `A (sensor-1) connects with a will: ${q('offline')} on lab/status/sensor-1, QoS 1. B (monitor) subscribes to lab/status/#. Then A leaves by ${p.leave === 'drop' ? 'losing its network connection, without a DISCONNECT' : p.leave === 'disconnect' ? 'sending DISCONNECT' : 'sending DISCONNECT with reason code 0x04'}.`,
    question: () => `Does B receive A’s will, ${q('offline')}?`,
    choices: () => ({ sent: 'Yes, the broker publishes the will', 'not-sent': 'No' }),
    explain: (p) => (p.leave === 'drop'
      ? 'The connection ended without a DISCONNECT: to the broker that is an abnormal close, so it published the will at once. That is what a will is for — telling the others that a client vanished without saying goodbye.'
      : p.leave === 'disconnect'
        ? `A DISCONNECT is a client leaving on purpose, so the broker discards the will without publishing it (${p.version === '5' ? '5.0: DISCONNECT with reason code 0x00' : '3.1.1 MQTT-3.14.4-3'}). If others must know, the client publishes its own ${q('offline')} before it disconnects.`
        : 'MQTT 5.0 lets a client leave cleanly and still have its will published: DISCONNECT with reason code 0x04, “Disconnect with Will Message”.'),
  },
  'will-delay': {
    title: 'MQTT 5.0: Will Delay Interval',
    params: { back: { label: 'After the drop, A', options: { no: 'stays away', yes: 'reconnects 10 s later' } } },
    setup: (p) => `A connects with MQTT 5.0, a Session Expiry Interval of 300 s and a will (${q('offline')} on lab/status/sensor-1) with a Will Delay Interval of 30 s. B subscribes to lab/status/#. A’s network connection drops; ${p.back === 'yes' ? 'A reconnects 10 s later, to the same session' : 'A does not come back'}. The lab lets 40 s pass in all.`,
    question: () => 'Does B receive the will?',
    choices: () => ({ sent: 'Yes', 'not-sent': 'No' }),
    explain: (p) => (p.back === 'yes'
      ? 'A came back to its session 10 s after the drop, before the 30 s delay had run out, so the broker discarded the waiting will (5.0 MQTT-3.1.3-9). A will delay keeps a short network blip from raising an alarm.'
      : 'The broker waited the Will Delay Interval (“will … will be published at 30000” in the log), then published the will. A delayed will goes out when the delay ends or when the session ends, whichever comes first.'),
  },
  keepalive: {
    title: 'Keepalive',
    params: { client: { label: 'A (keepalive 10 s)', options: { silent: 'stops sending anything', pinging: 'is idle but healthy' } } },
    setup: (p) => `A connects with a keepalive of 10 s and a will. B subscribes to A’s will topic. ${p.client === 'silent'
      ? 'Then A stops sending packets altogether — its process hangs, but its TCP connection stays open.'
      : 'A has nothing to publish, but its MQTT library is working normally.'} The lab moves the clock forward one minute.`,
    question: () => 'When does the broker close A’s connection?',
    choices: () => ({ 10: 'After 10 s', 15: 'After 15 s', 20: 'After 20 s', never: 'Not within the minute' }),
    explain: (p) => (p.client === 'silent'
      ? 'The broker allows one and a half times the keepalive — 15 s for 10 s — without any packet from the client, then treats the connection as dead and closes it (3.1.1 MQTT-3.1.2-24, 5.0 MQTT-3.1.2-22). That is an abnormal close, so the will went out: B received “offline”.'
      : 'Every time A had sent nothing for 10 s, MQTT.js sent a PINGREQ and the broker answered PINGRESP — look at the log. Any packet counts, so a client that publishes often never needs to ping. The broker’s 15 s limit was never reached.'),
  },
  'client-id': {
    title: 'Two clients, one client id',
    params: { ids: { label: 'Client ids', options: { same: 'both sensor-1', unique: 'sensor-1 and sensor-2' } } },
    setup: (p) => `A and B connect ${p.ids === 'same' ? 'with the same client id, sensor-1' : 'as sensor-1 and sensor-2'}. Like most client libraries, each reconnects one second after losing its connection; the lab plays those reconnects.`,
    question: () => 'What happens?',
    choices: () => ({ both: 'Both stay connected', refused: 'The broker refuses the second one', loop: 'They knock each other off, again and again' }),
    explain: (p) => (p.ids === 'same'
      ? 'A client id names a session, and a session has one connection. When a second connection arrives with the same id, the broker closes the first (3.1.1 MQTT-3.1.4-2, 5.0 MQTT-3.1.4-3; a 5.0 client is told DISCONNECT 0x8E, Session taken over). The first client reconnects and takes over in turn: an endless loop, seen in the field as two devices that keep “flapping”. The fix is a unique id per client.'
      : 'Different client ids, different sessions: the broker keeps both connections. Give every device an id that is unique to it (from a serial number, say) and stable across restarts, so that a persistent session can be found again.'),
  },
  'empty-id': {
    title: 'An empty client id',
    params: { variant: { label: 'A connects with', options: { '3.1.1-clean': 'MQTT 3.1.1, Clean Session 1', '3.1.1-persistent': 'MQTT 3.1.1, Clean Session 0', 5: 'MQTT 5.0, Clean Start 1' } } },
    setup: (p) => `A connects with a zero-length client id and ${p.variant === '3.1.1-clean' ? 'MQTT 3.1.1, Clean Session 1' : p.variant === '5' ? 'MQTT 5.0, Clean Start 1' : 'MQTT 3.1.1, Clean Session 0. MQTT.js refuses to send that CONNECT (“clientId must be given if cleanSession set to 0”), so the lab encodes the packet itself'}.`,
    question: () => 'What does the broker do?',
    choices: () => ({ refused: 'Refuses the connection', 'assigned-silent': 'Accepts it and makes up an id, without telling the client', 'assigned-told': 'Accepts it and tells the client the id it made up' }),
    explain: (p) => (p.variant === '3.1.1-persistent'
      ? 'A persistent session must be found again by its client id, and an empty id cannot be. The broker answers CONNACK 0x02 “Identifier rejected” and closes the connection (3.1.1 MQTT-3.1.3-8).'
      : p.variant === '5'
        ? 'A 5.0 broker makes up a unique id and returns it in the CONNACK’s Assigned Client Identifier property (MQTT-3.2.2-16) — open the CONNACK in the decoder. The client may reuse it to come back to its session later.'
        : 'MQTT 3.1.1 accepts an empty id together with Clean Session 1: the broker assigns a unique id for the length of the connection (MQTT-3.1.3-6). It has no way to tell the client, and no need: the session ends with the connection.'),
  },
  downgrade: {
    title: 'QoS downgrade',
    params: {
      pub: { label: 'A publishes with', options: qosOptions },
      sub: { label: 'B subscribed with', options: qosOptions },
    },
    setup: (p) => `B subscribes to lab/downgrade with QoS ${p.sub}. A publishes ${q('reading')} there with QoS ${p.pub}.`,
    question: () => 'At which QoS does B receive it?',
    choices: () => ({ 0: 'QoS 0', 1: 'QoS 1', 2: 'QoS 2' }),
    explain: (p) => {
      const pub = Number(p.pub);
      const sub = Number(p.sub);
      const tail = pub > sub
        ? `B asked for at most QoS ${sub}, so it gets QoS ${sub}, whatever the publisher chose.`
        : pub < sub
          ? `The subscription’s QoS is a ceiling, not an upgrade: a QoS ${pub} message stays QoS ${pub}.`
          : 'Both are the same, so nothing changes.';
      return `The broker delivers at the lower of two levels: the QoS the message was published with and the QoS granted to the subscription (3.1.1 MQTT-3.8.4-6, 5.0 MQTT-3.8.4-8). ${tail}`;
    },
  },
};

function connectLine(label: string, spec: ConnectSpec): string {
  const id = spec.clientId === '' ? 'an empty client id' : `client id ${spec.clientId}`;
  const will = spec.will === null ? '' : `, will on ${spec.will.topic}${spec.will.delay ? ` (delay ${spec.will.delay} s)` : ''}`;
  return `${label} connects: MQTT ${spec.version === 5 ? '5.0' : '3.1.1'}, ${id}, ${sessionWords(spec)}, keepalive ${spec.keepalive} s${will}`;
}

export const LAB_TEXT_EN: LabText = {
  experiments: EXPERIMENT_TEXT_EN,
  sessionWords,
  duration,
  step(step, configOf) {
    switch (step.kind) {
      case 'connect': {
        const spec = step.spec ?? configOf(step.client);
        return spec === undefined ? `${step.client} connects` : connectLine(step.client, spec);
      }
      case 'reconnect-if-closed': return `${step.client}’s library reconnects if the broker closed its connection`;
      case 'raw-connect': return `${step.client} sends a CONNECT with an empty client id and ${sessionWords(step.spec)} (bytes encoded by the lab)`;
      case 'subscribe': return `${step.client} subscribes to ${step.spec.filter} with QoS ${step.spec.qos}`;
      case 'publish': return `${step.client} publishes ${step.spec.payload === '' ? 'an empty payload' : q(step.spec.payload)} on ${step.spec.topic}, QoS ${step.spec.qos}${step.spec.retain ? ', RETAIN 1' : ''}`;
      case 'disconnect': return step.spec?.reasonCode ? `${step.client} sends DISCONNECT with reason code 0x${step.spec.reasonCode.toString(16).padStart(2, '0')}` : `${step.client} sends DISCONNECT`;
      case 'drop': return `${step.client}’s network connection drops (no DISCONNECT)`;
      case 'silence': return `${step.client} stops sending packets: no more PINGREQs`;
      case 'advance': return `Time passes: ${duration(step.ms)}`;
    }
  },
};
