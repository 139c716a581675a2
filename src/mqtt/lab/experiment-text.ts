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
      : 'Sixty seconds after B disconnected, the broker discarded its session (“session of subscriber ended” in the log), and with it the subscription and the queued message. B reconnected to a brand-new session (Session Present = 0). In 3.1.1 the Clean Session flag is all or nothing: Clean Session 0 keeps a session forever. MQTT 5.0 replaces that with this time limit, so a broker does not keep sessions for clients that never return.'),
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
        ? 'A 5.0 broker makes up a unique id and returns it in the CONNACK’s Assigned Client Identifier property (MQTT-3.2.2-16) — open the CONNACK in the decoder. A client that connects with a Session Expiry Interval above 0 can reuse that id to come back to its session; here the expiry is 0, so the session ends with the connection.'
        : 'MQTT 3.1.1 lets a broker accept an empty id together with Clean Session 1 (it may also refuse it with 0x02, MQTT-3.1.3-9); this broker, like mosquitto, accepts it and assigns a unique id for the length of the connection (MQTT-3.1.3-6). It has no way to tell the client, and no need: the session ends with the connection.'),
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

// 简体中文。The broker's log lines and packet summaries stay in English, so the explanations quote
// them as they appear there.

function durationZh(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} 分钟`;
  if (ms % 1000 === 0) return `${ms / 1000} 秒`;
  return `${(ms / 1000).toFixed(1)} 秒`;
}

function sessionWordsZh(spec: ConnectSpec): string {
  if (spec.version !== 5) return `Clean Session ${spec.clean ? 1 : 0}`;
  const expiry = spec.sessionExpiry === NEVER ? '永不过期' : `${spec.sessionExpiry} 秒`;
  return `Clean Start ${spec.clean ? 1 : 0}，会话过期间隔 ${expiry}`;
}

const sessionChoiceZh = (p: Params) => {
  const persistent = p.session === 'persistent';
  if (p.version === '5') return persistent ? 'Clean Start 0 和 3600 秒的会话过期间隔（会话在连接断开后继续保留）' : 'Clean Start 1 和为 0 的会话过期间隔（会话随连接结束）';
  return persistent ? 'Clean Session 0（持久会话）' : 'Clean Session 1（清除会话，随连接结束）';
};

export const EXPERIMENT_TEXT_ZH: Record<string, ExperimentText> = {
  session: {
    title: '会话：清除会话或持久会话 × QoS 0、1、2',
    params: {
      version: { label: '版本', options: versionOptions },
      session: { label: 'B 的会话', options: { persistent: '持久会话', clean: '清除会话' } },
      qos: { label: 'QoS（发布与订阅）', options: qosOptions },
      sub: { label: 'A 发布时，B', options: { offline: '离线', online: '在线' } },
    },
    setup: (p) => `B 连接时设置 ${sessionChoiceZh(p)}，并以 QoS ${p.qos} 订阅 lab/news。${p.sub === 'offline'
      ? `随后 B 断开连接。B 离线期间，A 以 QoS ${p.qos} 在 lab/news 上发布${q('hello')}。之后 B 用同一个客户端标识符、同样的会话设置再次连接。`
      : `A 以 QoS ${p.qos} 在 lab/news 上发布${q('hello')}时，B 一直保持连接。`}`,
    question: (p) => (p.sub === 'offline' ? `B 回来时会收到${q('hello')}吗？` : `B 会收到${q('hello')}吗？`),
    choices: () => ({ delivered: '会，B 收到了这条消息', lost: '不会，这条消息对 B 来说丢失了' }),
    explain: (p) => {
      const qos = Number(p.qos);
      if (p.sub === 'online') {
        return `B 在线，所以代理服务器立即以 QoS ${qos} 转发这条消息。在线投递与会话类型无关：会话只决定客户端离开期间会发生什么。把 B 切换为离线，看看有什么不同。`;
      }
      if (p.session === 'clean') {
        return `由于${p.version === '5' ? '会话过期间隔为 0' : '使用了 Clean Session 1'}，B 的会话随连接一起结束，它的订阅也随之消失。A 发布时，根本没有谁订阅 lab/news${qos > 0 ? '——没有会话来保存消息，QoS 再高也无济于事' : ''}。B 回来时得到的是一个全新的空会话（Session Present = 0），必须重新订阅。`;
      }
      if (qos === 0) {
        return `B 的会话保留了下来，订阅也还在，但这条消息仍然被丢弃了（在日志中找${q('qos0-offline')}）。规范允许代理服务器为离线客户端保存 QoS 0 消息，但并不要求；mosquitto 默认不保存（queue_qos0_messages false），本实验室的代理服务器也不保存。必须在断线后依然送达的消息，发布和订阅都要使用 QoS 1 或 2。`;
      }
      return `B 的会话在连接断开后依然存在：B 离开期间，代理服务器保留了 B 的订阅，并把这条 QoS ${qos} 消息放进了队列（见日志中的${q('queued lab/news for subscriber')}，以及检查器中的排队消息）。B 回来时，CONNACK 中 Session Present = 1，代理服务器立即发出这条消息——B 甚至没有重新订阅。`;
    },
  },
  'session-expiry': {
    title: 'MQTT 5.0：会话过期间隔',
    params: { back: { label: 'B 多久后回来', options: { 30: '30 秒', 120: '2 分钟' } } },
    setup: (p) => `B 使用 MQTT 5.0 连接，设置 Clean Start 0 和 60 秒的会话过期间隔，以 QoS 1 订阅 lab/alerts，然后断开连接。A 以 QoS 1 在 lab/alerts 上发布${q('door open')}。${p.back === '30' ? '30 秒' : '2 分钟'}后，B 再次连接（Clean Start 0）。`,
    question: () => `B 回来时会收到${q('door open')}吗？`,
    choices: () => ({ delivered: '会，消息一直为 B 保存着', lost: '不会，消息已经没了' }),
    explain: (p) => (p.back === '30'
      ? 'B 在 60 秒内回来了，所以代理服务器还保留着它的会话，连同订阅和排队的消息。CONNACK 中 Session Present = 1，消息随即送达。试试 2 分钟后再回来。'
      : 'B 断开 60 秒后，代理服务器丢弃了它的会话（日志中的“session of subscriber ended”），订阅和排队的消息也一并丢弃。B 重新连接时得到的是一个全新的会话（Session Present = 0）。在 3.1.1 中，会话要么一直保留（Clean Session 0），要么根本不保留（Clean Session 1）；MQTT 5.0 用这个时间限制取代了这种非此即彼的做法，代理服务器就不必为永远不再回来的客户端一直保存会话。'),
  },
  retained: {
    title: '保留消息：设置、替换、清除',
    params: {
      action: {
        label: 'B 订阅之前，A 发布了',
        options: { set: '一条保留消息', replace: '两条保留消息', clear: '一条保留消息，然后一条空消息' },
      },
    },
    setup: (p) => {
      const first = `A 以 RETAIN = 1 在 lab/temperature 上发布${q('21.5')}`;
      const rest = p.action === 'set' ? '' : p.action === 'replace' ? `，再以 RETAIN = 1 发布${q('22.0')}` : '，再以 RETAIN = 1 发布一条载荷为空的消息';
      return `${first}${rest}，然后断开连接。稍后，B 连接并订阅 lab/temperature。`;
    },
    question: () => 'B 订阅时会收到什么？',
    choices: (p): Record<string, string> => (p.action === 'set'
      ? { nothing: '什么也收不到：A 发布时 B 还没有连接', last: `${q('21.5')}，也就是那条保留消息` }
      : p.action === 'replace'
        ? { last: `只收到最新的${q('22.0')}`, all: `两条都收到，先${q('21.5')}后${q('22.0')}`, first: `只收到第一条${q('21.5')}` }
        : { nothing: '什么也收不到', empty: '一条空消息', first: `${q('21.5')}，最后一个真实的值` }),
    explain: (p) => (p.action === 'set'
      ? '代理服务器为每个主题保存最后一条保留消息，并在 SUBACK 之后立即发给每个新订阅者——哪怕 A 早已离开。这条消息带着 RETAIN = 1 到达，所以 B 能分清这是保存下来的值还是实时消息。仪表盘一打开就能显示当前温度，靠的就是保留消息。'
      : p.action === 'replace'
        ? '一个主题最多只有一条保留消息，每次发布保留消息都会替换掉前一条。新订阅者得到的是最新的值，而不是历史记录。'
        : '载荷为空的保留消息不会被保存，而是删除该主题的保留消息（3.1.1 MQTT-3.3.1-10/-11，5.0 MQTT-3.3.1-6/-7）。所以 B 什么也收不到。发布空消息的那一刻已经订阅了的客户端，则会把它当作一条普通的空消息收到。'),
  },
  will: {
    title: '遗嘱消息：断网还是 DISCONNECT',
    params: {
      version: { label: '版本', options: versionOptions },
      leave: { label: 'A 离开的方式', options: { drop: '网络连接中断', disconnect: '发送 DISCONNECT', 'disconnect-with-will': '发送原因码为 0x04 的 DISCONNECT' } },
    },
    setup: (p) => `A（sensor-1）连接时设置了遗嘱：在 lab/status/sensor-1 上以 QoS 1 发布${q('offline')}。B（monitor）订阅 lab/status/#。随后，${p.leave === 'drop' ? 'A 的网络连接中断，没有发送 DISCONNECT' : p.leave === 'disconnect' ? 'A 发送 DISCONNECT 离开' : 'A 发送原因码为 0x04 的 DISCONNECT 离开'}。`,
    question: () => `B 会收到 A 的遗嘱${q('offline')}吗？`,
    choices: () => ({ sent: '会，代理服务器发布了遗嘱', 'not-sent': '不会' }),
    explain: (p) => (p.leave === 'drop'
      ? '连接在没有 DISCONNECT 的情况下结束：对代理服务器来说这是异常断开，于是它立即发布了遗嘱。这正是遗嘱的用途——告诉其他人，某个客户端没打招呼就消失了。'
      : p.leave === 'disconnect'
        ? `DISCONNECT 表示客户端有意离开，所以代理服务器丢弃遗嘱而不发布（${p.version === '5' ? '5.0：原因码为 0x00 的 DISCONNECT' : '3.1.1 MQTT-3.14.4-3'}）。如果需要让其他人知道，客户端应在断开之前自己发布${q('offline')}。`
        : 'MQTT 5.0 允许客户端正常离开，同时仍然发布遗嘱：发送原因码为 0x04（Disconnect with Will Message）的 DISCONNECT。'),
  },
  'will-delay': {
    title: 'MQTT 5.0：遗嘱延迟间隔',
    params: { back: { label: '断网之后，A', options: { no: '不再回来', yes: '10 秒后重新连接' } } },
    setup: (p) => `A 使用 MQTT 5.0 连接，会话过期间隔为 300 秒，并设置了遗嘱（在 lab/status/sensor-1 上发布${q('offline')}），遗嘱延迟间隔为 30 秒。B 订阅 lab/status/#。A 的网络连接中断；${p.back === 'yes' ? 'A 在 10 秒后重新连接，回到同一个会话' : 'A 没有再回来'}。实验室总共让时间流逝 40 秒。`,
    question: () => 'B 会收到遗嘱吗？',
    choices: () => ({ sent: '会', 'not-sent': '不会' }),
    explain: (p) => (p.back === 'yes'
      ? 'A 在断网 10 秒后回到了它的会话，这时 30 秒的延迟还没有结束，所以代理服务器丢弃了等待中的遗嘱（5.0 MQTT-3.1.3-9）。有了遗嘱延迟，网络的短暂抖动就不会触发告警。'
      : '代理服务器先等待遗嘱延迟间隔（日志中的“will … will be published at 30000”），然后发布了遗嘱。延迟的遗嘱在延迟结束或会话结束时发出，以先到者为准。'),
  },
  keepalive: {
    title: '心跳（Keepalive）',
    params: { client: { label: 'A（保活时间 10 秒）', options: { silent: '不再发送任何报文', pinging: '空闲但运行正常' } } },
    setup: (p) => `A 以 10 秒的保活时间连接，并设置了遗嘱。B 订阅 A 的遗嘱主题。${p.client === 'silent'
      ? '随后 A 完全停止发送报文——它的进程卡住了，但 TCP 连接仍然开着。'
      : 'A 没有要发布的内容，但它的 MQTT 库运行正常。'}实验室把时钟向前拨一分钟。`,
    question: () => '代理服务器什么时候关闭 A 的连接？',
    choices: () => ({ 10: '10 秒后', 15: '15 秒后', 20: '20 秒后', never: '一分钟内不会关闭' }),
    explain: (p) => (p.client === 'silent'
      ? '代理服务器允许客户端在 1.5 倍保活时间内（保活时间为 10 秒时即 15 秒）不发送任何报文，超过之后就认为连接已经失效并将其关闭（3.1.1 MQTT-3.1.2-24，5.0 MQTT-3.1.2-22）。这属于异常断开，所以遗嘱被发布了：B 收到了“offline”。'
      : '每当 A 已经 10 秒没有发送任何报文，MQTT.js 就发送一个 PINGREQ，代理服务器则回复 PINGRESP——看看日志。任何报文都算数，所以经常发布消息的客户端根本不需要发心跳。代理服务器的 15 秒期限始终没有到达。'),
  },
  'client-id': {
    title: '两个客户端，同一个客户端标识符',
    params: { ids: { label: '客户端标识符', options: { same: '都是 sensor-1', unique: 'sensor-1 和 sensor-2' } } },
    setup: (p) => `A 和 B ${p.ids === 'same' ? '使用同一个客户端标识符 sensor-1 连接' : '分别以 sensor-1 和 sensor-2 连接'}。和大多数客户端库一样，它们在连接断开一秒后会自动重连；实验室会重现这些重连。`,
    question: () => '会发生什么？',
    choices: () => ({ both: '两个都保持连接', refused: '代理服务器拒绝第二个连接', loop: '两者互相踢下线，反复不停' }),
    explain: (p) => (p.ids === 'same'
      ? '客户端标识符代表一个会话，而一个会话只能有一个连接。当第二个连接以相同的标识符到来时，代理服务器会关闭第一个连接（3.1.1 MQTT-3.1.4-2，5.0 MQTT-3.1.4-3；5.0 客户端会收到 DISCONNECT 0x8E，即 Session taken over）。第一个客户端重连后又反过来接管会话：如此无限循环，在现场看到的就是两台设备不停地掉线又上线（flapping）。解决办法是让每个客户端使用唯一的标识符。'
      : '客户端标识符不同，会话也就不同：代理服务器同时保持两个连接。给每台设备一个它独有的标识符（比如由序列号生成），并且在重启后保持不变，这样持久会话才能被重新找到。'),
  },
  'empty-id': {
    title: '空的客户端标识符',
    params: { variant: { label: 'A 连接时使用', options: { '3.1.1-clean': 'MQTT 3.1.1，Clean Session 1', '3.1.1-persistent': 'MQTT 3.1.1，Clean Session 0', 5: 'MQTT 5.0，Clean Start 1' } } },
    setup: (p) => `A 以长度为零的客户端标识符连接，使用 ${p.variant === '3.1.1-clean' ? 'MQTT 3.1.1 和 Clean Session 1' : p.variant === '5' ? 'MQTT 5.0 和 Clean Start 1' : 'MQTT 3.1.1 和 Clean Session 0。MQTT.js 拒绝发送这样的 CONNECT（“clientId must be given if cleanSession set to 0”），所以由实验室自己编码这个报文'}。`,
    question: () => '代理服务器会怎么做？',
    choices: () => ({ refused: '拒绝连接', 'assigned-silent': '接受连接并自行生成一个标识符，但不告诉客户端', 'assigned-told': '接受连接，并把自行生成的标识符告诉客户端' }),
    explain: (p) => (p.variant === '3.1.1-persistent'
      ? '持久会话必须能凭客户端标识符重新找到，而空标识符做不到这一点。代理服务器回复 CONNACK 0x02“Identifier rejected”（标识符被拒绝），然后关闭连接（3.1.1 MQTT-3.1.3-8）。'
      : p.variant === '5'
        ? '5.0 代理服务器会生成一个唯一的标识符，并通过 CONNACK 的 Assigned Client Identifier（分配的客户端标识符）属性返回给客户端（MQTT-3.2.2-16）——在解码器中打开这个 CONNACK 看看。如果会话在连接断开后仍会保留（会话过期间隔大于 0），客户端之后可以用这个标识符回到它的会话。'
        : 'MQTT 3.1.1 允许空标识符与 Clean Session 1 搭配使用：代理服务器可以接受这样的连接，并在连接存续期间为客户端分配一个唯一的标识符（MQTT-3.1.3-6）。它没有办法把这个标识符告诉客户端，也没有必要：会话随连接一起结束。'),
  },
  downgrade: {
    title: 'QoS 降级',
    params: {
      pub: { label: 'A 发布时使用', options: qosOptions },
      sub: { label: 'B 订阅时使用', options: qosOptions },
    },
    setup: (p) => `B 以 QoS ${p.sub} 订阅 lab/downgrade。A 以 QoS ${p.pub} 在这个主题上发布${q('reading')}。`,
    question: () => 'B 以哪个 QoS 收到这条消息？',
    choices: () => ({ 0: 'QoS 0', 1: 'QoS 1', 2: 'QoS 2' }),
    explain: (p) => {
      const pub = Number(p.pub);
      const sub = Number(p.sub);
      const tail = pub > sub
        ? `B 请求的最高 QoS 是 ${sub}，所以无论发布者选择了什么，它都以 QoS ${sub} 收到。`
        : pub < sub
          ? `订阅的 QoS 是上限，不会把消息升级：QoS ${pub} 的消息仍然是 QoS ${pub}。`
          : '两者相同，所以什么也不会改变。';
      return `代理服务器按两个等级中较低的那个投递：一个是消息发布时的 QoS，另一个是授予该订阅的 QoS（3.1.1 MQTT-3.8.4-6，5.0 MQTT-3.8.4-8）。${tail}`;
    },
  },
};

function connectLineZh(label: string, spec: ConnectSpec): string {
  const id = spec.clientId === '' ? '空的客户端标识符' : `客户端标识符 ${spec.clientId}`;
  const will = spec.will === null ? '' : `，遗嘱主题 ${spec.will.topic}${spec.will.delay ? `（延迟 ${spec.will.delay} 秒）` : ''}`;
  return `${label} 连接：MQTT ${spec.version === 5 ? '5.0' : '3.1.1'}，${id}，${sessionWordsZh(spec)}，保活时间 ${spec.keepalive} 秒${will}`;
}

export const LAB_TEXT_ZH: LabText = {
  experiments: EXPERIMENT_TEXT_ZH,
  sessionWords: sessionWordsZh,
  duration: durationZh,
  step(step, configOf) {
    switch (step.kind) {
      case 'connect': {
        const spec = step.spec ?? configOf(step.client);
        return spec === undefined ? `${step.client} 连接` : connectLineZh(step.client, spec);
      }
      case 'reconnect-if-closed': return `如果代理服务器关闭了 ${step.client} 的连接，${step.client} 的客户端库会重新连接`;
      case 'raw-connect': return `${step.client} 发送一个客户端标识符为空、${sessionWordsZh(step.spec)} 的 CONNECT（字节由实验室自行编码）`;
      case 'subscribe': return `${step.client} 以 QoS ${step.spec.qos} 订阅 ${step.spec.filter}`;
      case 'publish': return `${step.client} 以 QoS ${step.spec.qos}${step.spec.retain ? '、RETAIN 1' : ''} 在 ${step.spec.topic} 上发布${step.spec.payload === '' ? '一条空载荷的消息' : q(step.spec.payload)}`;
      case 'disconnect': return step.spec?.reasonCode ? `${step.client} 发送原因码为 0x${step.spec.reasonCode.toString(16).padStart(2, '0')} 的 DISCONNECT` : `${step.client} 发送 DISCONNECT`;
      case 'drop': return `${step.client} 的网络连接中断（没有 DISCONNECT）`;
      case 'silence': return `${step.client} 停止发送报文：不再发送 PINGREQ`;
      case 'advance': return `时间流逝：${durationZh(step.ms)}`;
    }
  },
};
